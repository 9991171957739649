import Foundation
import CLibXML2
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// libxml2's streaming reader as the XML connectors use it: no entity substitution, no DTD loading, no network.
struct XMLReaderTests {
    struct Event: Equatable {
        var kind: String
        var value: String
    }

    /// Element names (`<name`) and text (`text`) in document order, parsed with `xmlReaderForMemory`.
    func events(in xml: String) throws -> [Event] {
        let options = Int32(XML_PARSE_NONET.rawValue)
        let bytes = Array(xml.utf8)
        let reader = try #require(
            bytes.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) {
                    xmlReaderForMemory($0.baseAddress, Int32($0.count), "memory.xml", "UTF-8", options)
                }
            }
        )
        defer { xmlFreeTextReader(reader) }
        var events: [Event] = []
        while true {
            let status = xmlTextReaderRead(reader)
            if status == 0 { break }
            #expect(status == 1, "xmlTextReaderRead failed")
            if status != 1 { break }
            switch xmlTextReaderNodeType(reader) {
            case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                events.append(Event(kind: "element", value: string(xmlTextReaderConstName(reader))))
            case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue):
                events.append(Event(kind: "text", value: string(xmlTextReaderConstValue(reader))))
            case Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue):
                events.append(Event(kind: "entity", value: string(xmlTextReaderConstName(reader))))
            default:
                break
            }
        }
        return events
    }

    func string(_ pointer: UnsafePointer<xmlChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer)
    }

    @Test func streamedParseCollectsElementsAndText() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <customers><customer id="c-1"><name>Ada Lovelace</name><email>ada@example.com</email></customer>\
            <customer id="c-2"><name><![CDATA[Grace & Co]]></name></customer></customers>
            """
        #expect(
            try events(in: xml) == [
                Event(kind: "element", value: "customers"),
                Event(kind: "element", value: "customer"),
                Event(kind: "element", value: "name"),
                Event(kind: "text", value: "Ada Lovelace"),
                Event(kind: "element", value: "email"),
                Event(kind: "text", value: "ada@example.com"),
                Event(kind: "element", value: "customer"),
                Event(kind: "element", value: "name"),
                Event(kind: "text", value: "Grace & Co"),
            ]
        )
    }

    @Test func externalEntityIsNotExpanded() throws {
        let secret = Self.readFile("/etc/hostname").filter { !$0.isWhitespace }
        let xml = #"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/hostname">]><x>&e;</x>"#
        let events = try events(in: xml)
        #expect(events.first == Event(kind: "element", value: "x"))
        #expect(!events.contains { $0.kind == "text" && !$0.value.isEmpty })
        if !secret.isEmpty {
            #expect(!events.contains { $0.value.contains(secret) })
        }
    }

    /// The file's text, or "" when it cannot be read.
    static func readFile(_ path: String) -> String {
        guard let file = fopen(path, "r") else { return "" }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
