import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import RectifyCore
import ZIPFoundation

/// Reads the first worksheet of a workbook (.xlsx) as rows of text, the way a
/// person sees them: shared and inline strings, numbers as written, and cells
/// formatted as dates as ISO dates (2019-06-30), so "整改时限" typed as a real
/// Excel date reads the same as one typed as text.
public enum XLSXReader {
    public struct Row: Sendable, Equatable {
        /// The row number Excel shows, for messages ("第 12 行").
        public let line: Int
        public let cells: [String]
    }

    /// The most a sheet may unpack to; beyond it the file is refused rather than read.
    public static let maxUnpackedBytes: Int64 = 256 << 20

    public static func rows(_ data: Data) throws -> [Row] {
        guard data.count >= 4, data.prefix(4) == Data([0x50, 0x4B, 0x03, 0x04]) else { throw OfficeError.notXLSX }
        try ZipStructure.check(data)
        let archive: Archive
        do { archive = try Archive(data: data, accessMode: .read) } catch { throw OfficeError.corrupt("不是完整的压缩包") }
        guard let workbook = try part("xl/workbook.xml", in: archive) else {
            throw archive["word/document.xml"] != nil
                ? OfficeError("file.notXLSX", "这是 Word 文档,不是 Excel 工作簿:请上传 .xlsx 或 .csv 台账")
                : OfficeError.notXLSX
        }
        // The first sheet, wherever the workbook's relationships put it.
        let sheets = try Elements.collect(workbook, name: "sheet")
        guard let first = sheets.first else { throw OfficeError.corrupt("工作簿中没有工作表") }
        var sheetPath = "xl/worksheets/sheet1.xml"
        if let rid = first["r:id"] ?? first.first(where: { $0.key.hasSuffix(":id") })?.value,
           let rels = try part("xl/_rels/workbook.xml.rels", in: archive),
           let target = try Elements.collect(rels, name: "Relationship").first(where: { $0["Id"] == rid })?["Target"] {
            sheetPath = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        }
        guard let sheet = try part(sheetPath, in: archive) else { throw OfficeError.corrupt("缺少工作表 \(sheetPath)") }
        let strings = try part("xl/sharedStrings.xml", in: archive).map(SharedStrings.parse) ?? []
        let dateStyles = try part("xl/styles.xml", in: archive).map(DateStyles.parse) ?? []
        return try SheetParser.parse(sheet, strings: strings, dateStyles: dateStyles)
    }

    static func part(_ path: String, in archive: Archive) throws -> Data? {
        guard let entry = archive[path] else { return nil }
        guard Int64(entry.uncompressedSize) <= maxUnpackedBytes else {
            throw OfficeError("file.tooLarge", "工作表解压后超过 \(maxUnpackedBytes >> 20) MB,拒绝读取:请拆分后分批导入")
        }
        var out = Data()
        out.reserveCapacity(Int(entry.uncompressedSize))
        do {
            _ = try archive.extract(entry, consumer: { out.append($0) })
        } catch {
            throw OfficeError.corrupt("\(path) 无法解压")
        }
        return out
    }

    /// Days since 1899-12-30 (Excel's 1900 date system) as yyyy-MM-dd.
    public static func isoDate(serial: Double) -> String? {
        guard serial >= 1, serial < 2_958_466 else { return nil }
        // 25,569 days from 1899-12-30 to 1970-01-01, where LocalDate counts from.
        return LocalDate(dayNumber: Int(serial.rounded(.down)) - 25_569)?.iso
    }
}

/// Runs an XMLParser, turning a parse failure into a clear error.
final class ParserRun: NSObject {
    static func run(_ data: Data, delegate: any XMLParserDelegate, what: String) throws {
        // Foundation's XMLParser traps on a name that is not UTF-8 (a fuzzed sheet of
        // `<\xE7s>` killed the server): only UTF-8, declared or not, reaches it.
        guard String(validating: data, as: UTF8.self) != nil else {
            throw OfficeError.corrupt("\(what) 不是 UTF-8 编码的 XML")
        }
        let head = String(decoding: data.prefix(200), as: UTF8.self).lowercased()
        if head.hasPrefix("<?xml"),
           let declaration = head.split(separator: "?>", maxSplits: 1).first, declaration.contains("encoding="),
           !(declaration.contains("utf-8") || declaration.contains("utf8")) {
            throw OfficeError.corrupt("\(what) 不是 UTF-8 编码的 XML")
        }
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = false
        parser.delegate = delegate
        guard parser.parse() else { throw OfficeError.corrupt("\(what) 的 XML 不完整") }
    }
}

/// The attributes of every element with a given name.
final class Elements: NSObject, XMLParserDelegate {
    let name: String
    var found: [[String: String]] = []
    init(name: String) { self.name = name }

    static func collect(_ data: Data, name: String) throws -> [[String: String]] {
        let e = Elements(name: name)
        try ParserRun.run(data, delegate: e, what: name)
        return e.found
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes: [String: String] = [:]) {
        if elementName == name { found.append(attributes) }
    }
}

/// xl/sharedStrings.xml: each <si> is one string, the text of its <t> runs, leaving
/// out phonetic guides (<rPh>).
final class SharedStrings: NSObject, XMLParserDelegate {
    var strings: [String] = []
    var current = ""
    var inT = false
    var phonetic = 0
    var complete = false

    static func parse(_ data: Data) throws -> [String] {
        let s = SharedStrings()
        try ParserRun.run(data, delegate: s, what: "sharedStrings")
        guard s.complete else { throw OfficeError.corrupt("共享字符串表不完整") }
        return s.strings
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes: [String: String] = [:]) {
        switch elementName {
        case "si": current = ""
        case "t": inT = true
        case "rPh": phonetic += 1
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        switch elementName {
        case "si": strings.append(current)
        case "sst": complete = true
        case "t": inT = false
        case "rPh": phonetic -= 1
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inT, phonetic == 0 { current += string }
    }
}

/// xl/styles.xml: which cell formats (indexes into cellXfs) show a date.
enum DateStyles {
    static func parse(_ data: Data) throws -> Set<Int> {
        final class Collector: NSObject, XMLParserDelegate {
            var custom: [Int: String] = [:]
            var xfs: [Int] = []
            var inCellXfs = false
            func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                        qualifiedName qName: String?, attributes: [String: String] = [:]) {
                switch elementName {
                case "numFmt":
                    if let id = attributes["numFmtId"].flatMap(Int.init), let code = attributes["formatCode"] { custom[id] = code }
                case "cellXfs": inCellXfs = true
                case "xf" where inCellXfs: xfs.append(attributes["numFmtId"].flatMap(Int.init) ?? 0)
                default: break
                }
            }
            func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
                if elementName == "cellXfs" { inCellXfs = false }
            }
        }
        let c = Collector()
        try ParserRun.run(data, delegate: c, what: "styles")
        var dates: Set<Int> = []
        for (index, fmt) in c.xfs.enumerated() {
            if isDateFormat(id: fmt, code: c.custom[fmt]) { dates.insert(index) }
        }
        return dates
    }

    static func isDateFormat(id: Int, code: String?) -> Bool {
        if let code {
            // Drop quoted literals and [colour]/[locale] tags, then look for day or year codes.
            var plain = ""
            var quoted = false, bracket = false
            for ch in code {
                if ch == "\"" { quoted.toggle(); continue }
                if !quoted, ch == "[" { bracket = true; continue }
                if bracket { if ch == "]" { bracket = false }; continue }
                if !quoted { plain.append(ch) }
            }
            let lower = plain.lowercased()
            return lower.contains("y") || lower.contains("d") || lower.contains("年") || lower.contains("日")
        }
        return (14...22).contains(id) || (27...36).contains(id) || (45...47).contains(id) || (50...58).contains(id)
    }
}

/// A worksheet's <sheetData>, cell by cell.
final class SheetParser: NSObject, XMLParserDelegate {
    let strings: [String]
    let dateStyles: Set<Int>
    var rows: [XLSXReader.Row] = []
    var cells: [Int: String] = [:]
    var rowNumber = 0
    var nextColumn = 0
    var column = 0
    var type = ""
    var style = 0
    var text = ""
    var collecting = false
    var phonetic = 0
    var badReference = false
    /// A row or column past Excel's limits.
    var outOfRange = false
    /// A truncated sheet can still parse without error: the end of <sheetData> proves it is whole.
    var complete = false

    init(strings: [String], dateStyles: Set<Int>) {
        self.strings = strings
        self.dateStyles = dateStyles
    }

    static func parse(_ data: Data, strings: [String], dateStyles: Set<Int>) throws -> [XLSXReader.Row] {
        let p = SheetParser(strings: strings, dateStyles: dateStyles)
        do {
            try ParserRun.run(data, delegate: p, what: "工作表")
        } catch where p.outOfRange {
            throw OfficeError.corrupt("单元格位置超出 Excel 的范围(最多 16384 列、1048576 行)")
        }
        if !p.complete { throw OfficeError.corrupt("工作表不完整") }
        if p.badReference { throw OfficeError.corrupt("单元格引用了不存在的共享字符串") }
        return p.rows
    }

    /// Excel's own limits: columns A to XFD, rows 1 to 1,048,576. A reference past them
    /// is not a workbook Excel wrote; refusing it keeps a crafted `ZZZZZZZZZ1` from
    /// asking for trillions of cells.
    static let maxColumns = 16_384
    static let maxRows = 1_048_576

    /// The zero-based column of a cell reference (`C7` → 2); nil for none or one past XFD.
    static func columnIndex(_ ref: String) -> Int? {
        var n = 0
        var any = false
        for u in ref.unicodeScalars {
            guard (65...90).contains(u.value) else { break }
            n = n * 26 + Int(u.value - 64)
            guard n <= maxColumns else { return nil }
            any = true
        }
        return any ? n - 1 : nil
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes: [String: String] = [:]) {
        switch elementName {
        case "row":
            rowNumber = attributes["r"].flatMap(Int.init) ?? rowNumber + 1
            if !(1...SheetParser.maxRows).contains(rowNumber) { outOfRange = true; parser.abortParsing() }
            cells = [:]
            nextColumn = 0
        case "c":
            if let ref = attributes["r"] {
                guard let index = SheetParser.columnIndex(ref) else { outOfRange = true; parser.abortParsing(); return }
                column = index
            } else {
                column = nextColumn
            }
            guard column < SheetParser.maxColumns else { outOfRange = true; parser.abortParsing(); return }
            nextColumn = column + 1
            type = attributes["t"] ?? "n"
            style = attributes["s"].flatMap(Int.init) ?? 0
            text = ""
        case "v", "t":
            if phonetic == 0 { collecting = true }
        case "rPh":
            phonetic += 1
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if collecting { text += string }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        switch elementName {
        case "v", "t": collecting = false
        case "rPh": phonetic -= 1
        case "sheetData": complete = true
        case "c":
            var value = text
            switch type {
            case "s":
                if let i = Int(text), strings.indices.contains(i) { value = strings[i] } else { badReference = true }
            case "b": value = text == "1" ? "TRUE" : "FALSE"
            case "n":
                if dateStyles.contains(style), let serial = Double(text), let iso = XLSXReader.isoDate(serial: serial) {
                    value = iso
                } else if let d = Double(text), d == d.rounded(), abs(d) < 1e15 {
                    value = String(Int(d))
                }
            default: break
            }
            if !value.isEmpty { cells[column] = value }
        case "row":
            if let last = cells.keys.max() {
                rows.append(.init(line: rowNumber, cells: (0...last).map { cells[$0] ?? "" }))
            }
        default: break
        }
    }
}
