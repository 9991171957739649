import Foundation
import Glibc
import PortraitCore

/// Small bundled samples for each of the four source kinds, written into the demo workspace.
///
/// They include deliberate defects (an invalid email, an out-of-range NPS, a malformed line) so the demo shows
/// quarantine at work.
enum DemoSamples {
    /// Survey responses exported from a form tool, one response per line.
    static let surveyResponses = #"""
        {"response_id":"r-1","form":"post-purchase","submitted_at":"2024-05-03T12:00:00Z","email":"ana.garcia@example.com","nps":"9","comment":"Fast delivery, friendly staff."}
        {"response_id":"r-2","form":"post-purchase","submitted_at":"2024-05-03T18:20:00+08:00","member_card":"M0042","nps":"3","comment":"价格太贵，物流慢"}
        {"response_id":"r-3","form":"post-purchase","submitted_at":"2024-05-04T09:05:00Z","email":"j.smith@example.com","nps":"11","comment":"Ten out of ten!"}
        {"response_id":"r-4","form":"store-exit","submitted_at":"2024-05-04T20:10:00+08:00","member_card":"M0077","nps":"8","comment":"店员很热情"}
        """#

    /// Receipts exported by a store till, for the `csv_drop` connector kind: a note spread over two lines inside
    /// quotes, an amount with a thousands separator, and three bad rows (line 5: an amount that is not a number,
    /// line 7: an hour that does not exist, line 8: a row cut short; the note's two lines are lines 3 and 4).
    static let storeReceipts = """
        receipt_id,store_id,timestamp,member_card,phone,name,category,amount,note
        R-20240502-0007,SH-01,2024-05-02 09:12:00,M0042,13812345678,王小明,grocery,77.00,
        R-20240502-0008,SH-01,2024-05-02 10:40:00,,13698765432,李娜,beauty,"1,299.00","Gift wrap, please.
        Call before delivery."
        R-20240502-0009,SH-01,2024-05-02 11:02:00,M0042,13812345678,王小明,grocery,twelve,
        R-20240503-0001,BJ-02,2024-05-03 15:05:00,M0077,13987654321,欧阳娜娜,sports,459.90,
        R-20240503-0002,BJ-02,2024-05-03 25:61:00,M0078,13987654322,Tom Lee,sports,12.00,
        R-20240503-0003,BJ-02,2024-05-03 16:00:00,M0079

        """

    /// A store's member list as Chinese POS software exports it: Chinese column names, CRLF line ends, and
    /// GB18030 bytes (written by `encodedGB18030`); the connector detects the encoding.
    static let storeMembers = """
        会员卡号,姓名,手机,生日,门店\r
        M0042,王小明,138 1234 5678,1990-07-21,上海徐汇店\r
        M0077,欧阳娜娜,+86 139 8765 4321,1995/11/03,北京朝阳店\r
        M0081,陈静,13711112222,1993-03-08,上海徐汇店\r

        """

    /// A namespaced e-commerce order feed, for the `xml_feed` connector kind. The file writes the namespace with
    /// the prefix `shop`, the demo config with `o`: elements match by namespace URI, not by prefix. SO-5003's
    /// total is not a number, so it goes to quarantine with its element path and line.
    static let orderFeed = """
        <?xml version="1.0" encoding="UTF-8"?>
        <shop:feed xmlns:shop="https://shop.example.com/ns/feed">
          <shop:order id="SO-5001" placed="2024-05-02T14:31:00Z" updated="2024-05-02T14:31:00Z">
            <shop:customer><shop:email>ana.garcia@example.com</shop:email><shop:name>Ana Garcia</shop:name></shop:customer>
            <shop:line sku="RUN-42" category="sports" qty="1" price="129.90"/>
            <shop:line sku="SOCK-3" category="sports" qty="3" price="5.00"/>
            <shop:total currency="USD">144.90</shop:total>
          </shop:order>
          <shop:order id="SO-5002" placed="2024-05-03T09:02:00+08:00" updated="2024-05-03T09:02:00+08:00">
            <shop:customer><shop:email>wang.xiaoming@example.cn</shop:email><shop:name><![CDATA[王小明]]></shop:name></shop:customer>
            <shop:line sku="TEA-1" category="grocery" qty="2" price="38.50"/>
            <shop:total currency="CNY">77.00</shop:total>
          </shop:order>
          <shop:order id="SO-5003" placed="2024-05-03T11:40:00Z" updated="2024-05-03T11:40:00Z">
            <shop:customer><shop:email>li.na@example.cn</shop:email></shop:customer>
            <shop:total currency="CNY">n/a</shop:total>
          </shop:order>
        </shop:feed>

        """

    /// `text` in GB18030, through glibc's iconv (the encoding Chinese POS exports use).
    static func encodedGB18030(_ text: String) throws -> Data {
        guard let converter = Optional(iconv_open("GB18030", "UTF-8")), converter != iconv_t(bitPattern: -1) else {
            throw PortraitError.io("this system's iconv cannot write GB18030; install the glibc gconv modules")
        }
        defer { iconv_close(converter) }
        var input = Array(text.utf8).map { CChar(bitPattern: $0) }
        var output = [CChar](repeating: 0, count: input.count * 2 + 16)
        let written: Int = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer: UnsafeMutablePointer<CChar>? = inBuffer.baseAddress
                var inLeft = inBuffer.count
                var outPointer: UnsafeMutablePointer<CChar>? = outBuffer.baseAddress
                var outLeft = outBuffer.count
                guard iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) != -1 else { return -1 }
                return outBuffer.count - outLeft
            }
        }
        guard written >= 0 else { throw PortraitError.io("cannot write the demo's member list in GB18030") }
        return Data(output.prefix(written).map { UInt8(bitPattern: $0) })
    }
}
