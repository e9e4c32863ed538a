import XCTest
import RectifyCore

final class ChineseNumeralTests: XCTestCase {
    func testWritesNumbersAsReportsDo() {
        let cases: [(Int, String)] = [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (37, "三十七"),
                                      (60, "六十"), (100, "一百"), (101, "一百零一"), (110, "一百一十"),
                                      (1005, "一千零五"), (9999, "九千九百九十九")]
        for (n, s) in cases {
            XCTAssertEqual(ChineseNumeral.string(n), s)
            XCTAssertEqual(ChineseNumeral.value(s), n, s)
        }
        XCTAssertNil(ChineseNumeral.string(0))
        XCTAssertNil(ChineseNumeral.value("三十七、"))
        XCTAssertNil(ChineseNumeral.value(""))
        XCTAssertEqual(ChineseNumeral.value("两百"), 200)
    }

    func testRoundTripsEveryNumber() {
        for n in 1...9999 { XCTAssertEqual(ChineseNumeral.value(ChineseNumeral.string(n)!), n) }
    }
}

final class LocalDateTests: XCTestCase {
    func testParsesOnlyRealDays() {
        XCTAssertEqual(LocalDate(iso: "2017-07-31")?.chinese, "2017年7月31日")
        XCTAssertNil(LocalDate(iso: "2023-02-29"))
        XCTAssertNotNil(LocalDate(iso: "2024-02-29"))
        XCTAssertNil(LocalDate(iso: "2017-7-31"))
        XCTAssertNil(LocalDate(iso: "2017-13-01"))
        XCTAssertEqual(LocalDate.endOf(month: 12, year: 2018)?.iso, "2018-12-31")
    }

    func testOrdersAndCodes() throws {
        XCTAssertLessThan(LocalDate(iso: "2017-04-25")!, LocalDate(iso: "2017-05-25")!)
        let json = try JSONEncoder().encode([LocalDate(iso: "2017-04-25")!])
        XCTAssertEqual(String(decoding: json, as: UTF8.self), #"["2017-04-25"]"#)
        XCTAssertThrowsError(try JSONDecoder().decode([LocalDate].self, from: Data(#"["2017-02-30"]"#.utf8)))
    }

    func testTodayIsChinaStandardTime() {
        // 2026-11-23 17:00 UTC is already the 24th in Beijing.
        let instant = Date(timeIntervalSince1970: 1_795_453_200)
        XCTAssertEqual(LocalDate.today(now: instant).iso, "2026-11-24")
    }
}

final class RegionCatalogTests: XCTestCase {
    func testShipsEveryProvinceLevelRegion() {
        XCTAssertEqual(RegionCatalog.all.filter { $0.level == .province }.count, 34)
    }

    func testCitiesOfTheSeedsHaveTheirRealCodes() {
        XCTAssertEqual(RegionCatalog.byCode[211400]?.name, "葫芦岛市")
        XCTAssertEqual(RegionCatalog.byCode[211100]?.name, "盘锦市")
        XCTAssertEqual(RegionCatalog.byCode[150300]?.name, "乌海市")
        XCTAssertEqual(RegionCatalog.byCode[410800]?.name, "焦作市")
        XCTAssertEqual(RegionCatalog.all.filter { $0.level == .city && RegionCatalog.parentCode(of: $0.code) == 210000 }.count, 14)
        XCTAssertEqual(RegionCatalog.all.filter { $0.level == .city && RegionCatalog.parentCode(of: $0.code) == 140000 }.count, 11)
    }

    func testParentsFollowFromTheCode() {
        XCTAssertNil(RegionCatalog.parentCode(of: 210000))
        XCTAssertEqual(RegionCatalog.parentCode(of: 211400), 210000)
        XCTAssertEqual(RegionCatalog.parentCode(of: 211481), 211400)
        XCTAssertEqual(Set(RegionCatalog.all.map(\.code)).count, RegionCatalog.all.count, "codes are unique")
    }
}

final class PublicStatusTests: XCTestCase {
    /// Status lines as seed 004 writes them.
    func testReadsTheStatusWordsOfPublishedReports() {
        XCTAssertEqual(PublicStatus(reportedWords: "已完成整改"), .completed)
        XCTAssertEqual(PublicStatus(reportedWords: "正在推进整改"), .inProgress)
        XCTAssertEqual(PublicStatus(reportedWords: "基本完成整改,长期坚持"), .basicallyCompleted)
        XCTAssertEqual(PublicStatus(reportedWords: "达到序时进度,持续整改"), .onSchedule)
        XCTAssertEqual(PublicStatus(reportedWords: "未达到序时进度"), .behindSchedule)
        XCTAssertEqual(PublicStatus(reportedWords: "尚未达到序时进度"), .behindSchedule)
        XCTAssertNil(PublicStatus(reportedWords: "另行研究"))
    }
}

final class EvidenceTypeTests: XCTestCase {
    func testAcceptsImagesPDFAndOfficeDocumentsByContent() {
        XCTAssertEqual(EvidenceType.detect([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), .jpeg)
        XCTAssertEqual(EvidenceType.detect([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]), .png)
        XCTAssertEqual(EvidenceType.detect(Array("GIF89a....".utf8)), .gif)
        XCTAssertEqual(EvidenceType.detect(Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8)), .webp)
        XCTAssertEqual(EvidenceType.detect(Array("%PDF-1.7\n".utf8)), .pdf)
        XCTAssertEqual(EvidenceType.detect([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]), .oleCompound)
        let zip: [UInt8] = [0x50, 0x4B, 0x03, 0x04] + Array(repeating: 0, count: 26)
        XCTAssertEqual(EvidenceType.detect(zip + Array("[Content_Types].xml".utf8)), .officeOpenXML)
        XCTAssertEqual(EvidenceType.detect(zip + Array("mimetypeapplication/vnd.oasis.opendocument.text".utf8)), .openDocument)
        XCTAssertEqual(EvidenceType.detect(zip + Array("OFD.xml".utf8)), .ofd)
    }

    func testRefusesEverythingElseWhateverItsName() {
        let zip: [UInt8] = [0x50, 0x4B, 0x03, 0x04] + Array(repeating: 0, count: 26) + Array("payload.exe".utf8)
        XCTAssertNil(EvidenceType.detect(zip), "a plain archive is not evidence")
        XCTAssertNil(EvidenceType.detect(Array("MZ\u{90}\u{0}".utf8)), "an executable")
        XCTAssertNil(EvidenceType.detect(Array("<html><script>".utf8)))
        XCTAssertNil(EvidenceType.detect([]))
        XCTAssertNil(EvidenceType.detect([0xFF, 0xD8]), "too short to be a JPEG")
    }
}

final class CommonAncestorTests: XCTestCase {
    func testTheSmallestRegionHoldingAllCodes() {
        XCTAssertEqual(RegionCatalog.commonAncestor([211402]), 211402)
        XCTAssertEqual(RegionCatalog.commonAncestor([211402, 211481]), 211400)
        XCTAssertEqual(RegionCatalog.commonAncestor([211400, 210100]), 210000)
        XCTAssertEqual(RegionCatalog.commonAncestor([140700, 141100, 140100]), 140000)
        XCTAssertNil(RegionCatalog.commonAncestor([140000, 210000]))
        XCTAssertNil(RegionCatalog.commonAncestor([]))
    }
}

final class CSVTests: XCTestCase {
    func testQuotesWhatNeedsQuotingAndDefusesFormulas() {
        XCTAssertEqual(CSV.line(["1", "整治黑臭水体", "a,b", "说\"好\"", "第一行\n第二行"]),
                       "1,整治黑臭水体,\"a,b\",\"说\"\"好\"\"\",\"第一行\n第二行\"\r\n")
        XCTAssertEqual(CSV.line(["=HYPERLINK(\"x\")", "+1", "-2", "@cmd", "正常"]),
                       "\"'=HYPERLINK(\"\"x\"\")\",'+1,'-2,'@cmd,正常\r\n")
        XCTAssertEqual(LedgerColumns.headers.count, 16)
    }
}
