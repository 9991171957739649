import PortraitWorld
import Testing

@Test func worldModuleLinks() {
    #expect(String(describing: PortraitWorld.self) == "PortraitWorld")
}
