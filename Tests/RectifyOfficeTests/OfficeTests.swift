import Foundation
import XCTest
@testable import RectifyOffice

final class XLSXTests: XCTestCase {
    func tempURL(_ ext: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("rectify-test-\(UUID().uuidString).\(ext)")
    }

    func testWrittenWorkbookReadsBackCellForCell() throws {
        let url = tempURL("xlsx")
        defer { try? FileManager.default.removeItem(at: url) }
        let w = try XLSXWriter(sheetName: "台账", columnWidths: [6, 30])
        try w.header(["序号", "整改任务", "备注"])
        try w.append([.number(1), .text("落实“河长制”<全面>&推进\n第二行"), .text("")])
        try w.append([.number(2), .text("=1+1"), .text("控制字符\u{1}显示为替换符")])
        try w.finish(to: url)

        let rows = try XLSXReader.rows(Data(contentsOf: url))
        XCTAssertEqual(rows.map(\.line), [1, 2, 3])
        XCTAssertEqual(rows[0].cells, ["序号", "整改任务", "备注"])
        XCTAssertEqual(rows[1].cells, ["1", "落实“河长制”<全面>&推进\n第二行"])
        XCTAssertEqual(rows[2].cells, ["2", "=1+1", "控制字符\u{FFFD}显示为替换符"])
    }

    func testColumnLetters() {
        XCTAssertEqual(XLSXWriter.column(0), "A")
        XCTAssertEqual(XLSXWriter.column(25), "Z")
        XCTAssertEqual(XLSXWriter.column(26), "AA")
        XCTAssertEqual(XLSXWriter.column(701), "ZZ")
        XCTAssertEqual(SheetParser.columnIndex("AB12"), 27)
    }

    func testExcelDateSerials() {
        XCTAssertEqual(XLSXReader.isoDate(serial: 43465), "2018-12-31")
        XCTAssertEqual(XLSXReader.isoDate(serial: 43646), "2019-06-30")
        XCTAssertEqual(XLSXReader.isoDate(serial: 1), "1899-12-31")
        XCTAssertNil(XLSXReader.isoDate(serial: -3))
        XCTAssertTrue(DateStyles.isDateFormat(id: 14, code: nil))
        XCTAssertTrue(DateStyles.isDateFormat(id: 176, code: "yyyy\"年\"m\"月\"d\"日\";@"))
        XCTAssertFalse(DateStyles.isDateFormat(id: 177, code: "[Red]0.00"))
        XCTAssertFalse(DateStyles.isDateFormat(id: 2, code: nil))
    }

    /// A workbook as Excel writes it: shared strings with phonetic runs, a date-styled
    /// number, skipped cells and rows, the sheet under another name.
    func testReadsSharedStringsDatesAndGaps() throws {
        let data = try Zip.data(entries: [
            ("[Content_Types].xml", .text("<Types/>")),
            ("xl/workbook.xml", .text("""
                <workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
                <sheets><sheet name="整改台账" sheetId="3" r:id="rId7"/></sheets></workbook>
                """)),
            ("xl/_rels/workbook.xml.rels", .text("""
                <Relationships><Relationship Id="rId7" Type="x" Target="worksheets/ledger.xml"/></Relationships>
                """)),
            ("xl/sharedStrings.xml", .text("""
                <sst><si><t>完成时限</t></si><si><r><t>落</t></r><r><t>实</t></r><rPh sb="0" eb="1"><t>luò</t></rPh></si></sst>
                """)),
            ("xl/styles.xml", .text("""
                <styleSheet><numFmts><numFmt numFmtId="180" formatCode="yyyy/m/d"/></numFmts>\
                <cellXfs><xf numFmtId="0"/><xf numFmtId="180"/></cellXfs></styleSheet>
                """)),
            ("xl/worksheets/ledger.xml", .text("""
                <worksheet><sheetData><row r="2"><c r="A2" t="s"><v>0</v></c><c r="C2" t="s"><v>1</v></c></row>\
                <row r="5"><c r="B5" s="1"><v>43646</v></c><c r="C5"><v>12</v></c><c r="D5" t="inlineStr"><is><t>立行立改</t></is></c></row>\
                </sheetData></worksheet>
                """)),
        ])
        let rows = try XLSXReader.rows(data)
        XCTAssertEqual(rows, [.init(line: 2, cells: ["完成时限", "", "落实"]),
                              .init(line: 5, cells: ["", "2019-06-30", "12", "立行立改"])])
    }

    func testRefusesWhatIsNotAWorkbook() throws {
        XCTAssertThrowsError(try XLSXReader.rows(Data("序号,整改任务\n1,x".utf8))) {
            XCTAssertEqual(($0 as? OfficeError)?.code, "file.notXLSX")
        }
        XCTAssertThrowsError(try XLSXReader.rows(Data())) { XCTAssertEqual(($0 as? OfficeError)?.code, "file.notXLSX") }
        // The right signature, then garbage: a truncated download.
        XCTAssertThrowsError(try XLSXReader.rows(Data([0x50, 0x4B, 0x03, 0x04] + Array(repeating: 7, count: 200)))) {
            XCTAssertEqual(($0 as? OfficeError)?.code, "file.corrupt")
        }
        let docx = try DOCXDocument(title: "t", paragraphs: [.init(.body, "x")]).data()
        XCTAssertThrowsError(try XLSXReader.rows(docx)) {
            XCTAssertEqual(($0 as? OfficeError)?.code, "file.notXLSX")
            XCTAssertTrue(($0 as? OfficeError)?.message.contains("Word") ?? false)
        }
        // A workbook whose sheet XML is cut off.
        let broken = try Zip.data(entries: [
            ("xl/workbook.xml", .text("<workbook><sheets><sheet name=\"a\" sheetId=\"1\"/></sheets></workbook>")),
            ("xl/worksheets/sheet1.xml", .text("<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>截")),
        ])
        XCTAssertThrowsError(try XLSXReader.rows(broken)) { XCTAssertEqual(($0 as? OfficeError)?.code, "file.corrupt") }
        // A cell pointing past the shared strings.
        let dangling = try Zip.data(entries: [
            ("xl/workbook.xml", .text("<workbook><sheets><sheet name=\"a\" sheetId=\"1\"/></sheets></workbook>")),
            ("xl/worksheets/sheet1.xml", .text("<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>9</v></c></row></sheetData></worksheet>")),
        ])
        XCTAssertThrowsError(try XLSXReader.rows(dangling)) { XCTAssertEqual(($0 as? OfficeError)?.code, "file.corrupt") }
    }
}

final class DOCXTests: XCTestCase {
    func testDocumentIsAWordPackageWithEscapedParagraphs() throws {
        let doc = DOCXDocument(title: "报告", paragraphs: [.init(.title, "关于<整改>落实情况的报告"),
                                                          .init(.heading, "三十七、问题"), .init(.body, "第一段\n第二段 & 更多")])
        let data = try doc.data()
        XCTAssertEqual(data.prefix(2), Data("PK".utf8))
        let archive = try XCTUnwrap(try? ZIPArchiveProbe(data))
        let xml = try archive.text("word/document.xml")
        XCTAssertTrue(xml.contains("关于&lt;整改&gt;落实情况的报告"))
        XCTAssertTrue(xml.contains(">第一段<") && xml.contains(">第二段 &amp; 更多<"))
        XCTAssertTrue(try archive.text("[Content_Types].xml").contains("wordprocessingml.document.main+xml"))
        // Well-formed: the XML parser reads every part to the end.
        for part in ["word/document.xml", "word/styles.xml", "[Content_Types].xml", "_rels/.rels", "docProps/core.xml"] {
            XCTAssertNoThrow(try Elements.collect(Data(try archive.text(part).utf8), name: "x"), part)
        }
        // The same content gives the same bytes.
        XCTAssertEqual(try doc.data(), data)
    }
}

import ZIPFoundation
struct ZIPArchiveProbe {
    let archive: Archive
    init(_ data: Data) throws { archive = try Archive(data: data, accessMode: .read) }
    func text(_ path: String) throws -> String {
        guard let data = try XLSXReader.part(path, in: archive) else { throw OfficeError("missing", path) }
        return String(decoding: data, as: UTF8.self)
    }
}

final class XMLTextTests: XCTestCase {
    func testEscapesMarkupAndReplacesWhatXMLForbids() {
        XCTAssertEqual(XMLText.escape("河长制"), "河长制")
        XCTAssertEqual(XMLText.escape("a<b>&\"c\""), "a&lt;b&gt;&amp;&quot;c&quot;")
        XCTAssertEqual(XMLText.escape("行\t一\n二\r\u{1}\u{1F}三"), "行\t一\n二&#13;\u{FFFD}\u{FFFD}三")
        XCTAssertEqual(XMLText.escape("x\u{FFFE}y\u{FFFF}z\u{FFFD}"), "x\u{FFFD}y\u{FFFD}z\u{FFFD}")
        XCTAssertEqual(XMLText.escape("水😀<"), "水😀&lt;")
    }
}

/// Workbooks the fuzzer made that once killed the server (issue 10 §4).
final class HostileWorkbookTests: XCTestCase {
    func workbook(sheet: Data) throws -> Data {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rectify-sheet-\(UUID().uuidString).xml")
        defer { try? FileManager.default.removeItem(at: url) }
        try sheet.write(to: url)
        return try Zip.data(entries: [
            ("[Content_Types].xml", .text("<Types/>")),
            ("xl/workbook.xml", .text(#"<workbook><sheets><sheet name="台账" sheetId="1"/></sheets></workbook>"#)),
            ("xl/worksheets/sheet1.xml", .file(url)),
        ])
    }

    func testGivenASheetWhoseXMLIsNotUTF8_whenRead_thenItIsRefusedNotATrap() throws {
        let data = try workbook(sheet: Data([0x3C, 0xE7, 0x73, 0x3E, 0x3C]))   // <\xE7s><
        XCTAssertThrowsError(try XLSXReader.rows(data)) { XCTAssertEqual(($0 as? OfficeError)?.code, "file.corrupt") }
        let declared = try workbook(sheet: Data(#"<?xml version="1.0" encoding="UTF-16"?><worksheet/>"#.utf8))
        XCTAssertThrowsError(try XLSXReader.rows(declared)) { XCTAssertEqual(($0 as? OfficeError)?.code, "file.corrupt") }
    }

    func testGivenAZipWhoseDirectoryOffsetIsPastTheEnd_whenRead_thenItIsRefusedNotATrap() throws {
        let good = try workbook(sheet: Data(#"<worksheet><sheetData/></worksheet>"#.utf8))
        XCTAssertNoThrow(try XLSXReader.rows(good))
        var bytes = [UInt8](good)
        let end = try XCTUnwrap((0...(bytes.count - 22)).reversed().first { bytes[$0..<($0 + 4)] == [0x50, 0x4B, 0x05, 0x06] })
        for (i, b) in [UInt8(0xF0), 0xFF, 0xFF, 0x0F].enumerated() { bytes[end + 16 + i] = b }   // offset far past the end
        XCTAssertThrowsError(try XLSXReader.rows(Data(bytes))) { XCTAssertEqual(($0 as? OfficeError)?.code, "file.corrupt") }
        var local = [UInt8](good)
        let central = try XCTUnwrap((0...(local.count - 46)).first { local[$0..<($0 + 4)] == [0x50, 0x4B, 0x01, 0x02] })
        for i in 0..<4 { local[central + 42 + i] = 0xEE }   // an entry's data "at" 4 GB
        XCTAssertThrowsError(try XLSXReader.rows(Data(local))) { XCTAssertEqual(($0 as? OfficeError)?.code, "file.corrupt") }
    }
}
