import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PropertyBased
import Testing
@testable import RectifyOffice
import RectifyTestSupport

/// The one XML escape, on arbitrary Unicode: the output always parses, and reads back
/// as the input with each character XML 1.0 cannot carry shown as U+FFFD.
@Suite struct XMLTextPropertyTests {
    /// What a reader gets back: the input with the characters XML cannot carry replaced.
    static func carried(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            switch u.value {
            case 0x09, 0x0A, 0x0D: out.append(u)
            case 0..<0x20, 0xFFFE, 0xFFFF: out.append("\u{FFFD}")
            default: out.append(u)
            }
        }
        return String(out)
    }

    final class TextCollector: NSObject, XMLParserDelegate {
        var text = ""
        var attribute: String?
        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes: [String: String] = [:]) {
            if let a = attributes["a"] { attribute = a }
        }
    }

    static func parse(_ xml: String) -> TextCollector? {
        let parser = XMLParser(data: Data(xml.utf8))
        let collector = TextCollector()
        parser.delegate = collector
        return parser.parse() ? collector : nil
    }

    @Test func givenAnyText_whenEscapedIntoAnElement_thenItParsesBackAsCarried() async {
        await propertyCheck(count: 500, input: Hostile.string) { s in
            let escaped = XMLText.escape(s)
            guard let parsed = Self.parse("<t>\(escaped)</t>") else {
                Issue.record("does not parse: \(Array(s.unicodeScalars.map(\.value)))")
                return
            }
            #expect(parsed.text == Self.carried(s))
        }
    }

    @Test func givenAnyText_whenEscapedIntoAnAttribute_thenItStaysInsideIt() async {
        await propertyCheck(count: 300, input: Hostile.string) { s in
            guard let parsed = Self.parse("<t a=\"\(XMLText.escape(s))\"/>") else {
                Issue.record("does not parse: \(Array(s.unicodeScalars.map(\.value)))")
                return
            }
            // Attribute values normalise white space (tab, LF, CR → space); the rest comes back.
            func spaced(_ t: String) -> String {
                String(String.UnicodeScalarView(t.unicodeScalars.map { "\t\n\r".unicodeScalars.contains($0) ? " " : $0 }))
            }
            #expect(parsed.attribute.map(spaced) == spaced(Self.carried(s)))
        }
    }

    @Test func givenTheTextThatOnceTrapped_whenEscaped_thenItIsWhole() {
        // 辽 is E8 BE BD: its 0xBE once went down the U+FFFE branch and trapped.
        #expect(XMLText.escape("辽宁省\"测试\"局") == "辽宁省&quot;测试&quot;局")
        #expect(XMLText.escape("&辽") == "&amp;辽")
        #expect(XMLText.escape("<设>") == "&lt;设&gt;")
        #expect(XMLText.escape("a\u{FFFE}b\u{FFFF}c\u{0}d") == "a\u{FFFD}b\u{FFFD}c\u{FFFD}d")
    }

    @Test func givenAnyCells_whenWrittenToXLSXAndReadBack_thenEveryCellIsAsCarried() async throws {
        await propertyCheck(count: 40, input: Hostile.string.array(of: 1...5)) { cells in
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("rectify-prop-\(UUID().uuidString).xlsx")
            defer { try? FileManager.default.removeItem(at: url) }
            do {
                let w = try XLSXWriter(sheetName: "台账")
                try w.header(["甲", "乙", "丙", "丁", "戊"])
                try w.append(cells.map { .text($0) })
                try w.finish(to: url)
                let rows = try XLSXReader.rows(Data(contentsOf: url))
                var expected = cells.map(Self.carried)
                while expected.last == "" { expected.removeLast() }
                // A row of empty cells is no row to the reader (blank lines of a sheet are skipped).
                if expected.isEmpty {
                    #expect(rows.count == 1)
                } else {
                    #expect(rows.count == 2)
                    #expect(rows.last?.cells ?? [] == expected)
                }
            } catch {
                Issue.record("XLSX round trip failed: \(error)")
            }
        }
    }

    @Test func givenACellReferencePastExcelsLastColumn_whenRead_thenTheSheetIsRefusedNotAllocated() throws {
        #expect(SheetParser.columnIndex("XFD1") == 16_383)
        #expect(SheetParser.columnIndex("XFE1") == nil)
        #expect(SheetParser.columnIndex("ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ1") == nil)
        let sheet = Data("""
            <worksheet><sheetData><row r="1"><c r="ZZZZZZZZZ1" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>
            """.utf8)
        #expect(throws: OfficeError.self) { try SheetParser.parse(sheet, strings: [], dateStyles: []) }
        let rows = Data("""
            <worksheet><sheetData><row r="9223372036854775807"><c t="inlineStr"><is><t>x</t></is></c></row><row/></sheetData></worksheet>
            """.utf8)
        #expect(throws: OfficeError.self) { try SheetParser.parse(rows, strings: [], dateStyles: []) }
    }
}
