import PortraitIdentity
import Testing

@Test func engineVersionIsPositive() {
    #expect(PortraitIdentity.engineVersion > 0)
}
