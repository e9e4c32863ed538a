import Foundation

/// Writes one worksheet of a workbook (.xlsx, Office Open XML) row by row. Rows go
/// to a temporary file as they come, so a ledger of any length costs a buffer of
/// memory, not the sheet; `finish` deflates that file into the package.
///
/// Cells are inline strings (no shared-string table to hold in memory) or numbers.
/// The first row is a bold, frozen header with an auto-filter, as offices head
/// their ledgers; every cell wraps, so multi-line measures stay readable.
public final class XLSXWriter {
    public enum Cell: Sendable, Equatable {
        case text(String)
        case number(Int)
    }

    private let sheetName: String
    private let columnWidths: [Int]
    private let sheetURL: URL
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    /// A, B, C, … computed once.
    private var letters: [[UInt8]] = (0..<64).map { Array(XLSXWriter.column($0).utf8) }
    private var rowCount = 0
    private var columnCount = 0

    /// `columnWidths`: in characters, one per column (Chinese characters count about two).
    public init(sheetName: String, columnWidths: [Int] = []) throws {
        self.sheetName = sheetName
        self.columnWidths = columnWidths
        sheetURL = FileManager.default.temporaryDirectory.appendingPathComponent("rectify-sheet-\(UUID().uuidString).xml")
        guard FileManager.default.createFile(atPath: sheetURL.path, contents: nil) else {
            throw OfficeError("file.writeFailed", "无法创建临时文件")
        }
        handle = try FileHandle(forWritingTo: sheetURL)
        buffer.reserveCapacity(1 << 21)
    }

    deinit {
        try? handle.close()
        try? FileManager.default.removeItem(at: sheetURL)
    }

    public func header(_ titles: [String]) throws {
        try append(titles.map(Cell.text), style: 1)
    }

    public func append(_ cells: [Cell]) throws {
        try append(cells, style: 2)
    }

    private func append(_ cells: [Cell], style: Int) throws {
        rowCount += 1
        columnCount = max(columnCount, cells.count)
        let row = Array(String(rowCount).utf8)
        let s = Array(" s=\"\(style)\"".utf8)
        buffer += Array("<row r=\"".utf8) + row + Array("\">".utf8)
        for (i, cell) in cells.enumerated() {
            if i >= letters.count { letters.append(Array(XLSXWriter.column(i).utf8)) }
            buffer += Array("<c r=\"".utf8)
            buffer += letters[i]
            buffer += row
            buffer += [0x22] + s
            switch cell {
            case .number(let n):
                buffer += Array("><v>\(n)</v></c>".utf8)
            case .text(let text) where text.isEmpty:
                buffer += Array("/>".utf8)
            case .text(let text):
                buffer += Array(" t=\"inlineStr\"><is><t xml:space=\"preserve\">".utf8)
                buffer += XMLText.escape(text).utf8
                buffer += Array("</t></is></c>".utf8)
            }
        }
        buffer += Array("</row>".utf8)
        if buffer.count > 1 << 20 { try flush() }
    }

    private func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// A, B, …, Z, AA, AB, … for a zero-based column index.
    public static func column(_ index: Int) -> String {
        var n = index + 1
        var letters = ""
        while n > 0 {
            let r = (n - 1) % 26
            letters = String(UnicodeScalar(UInt8(65 + r))) + letters
            n = (n - 1) / 26
        }
        return letters
    }

    /// Closes the sheet and writes the workbook to `url`.
    public func finish(to url: URL) throws {
        try flush()
        try handle.close()
        let lastColumn = XLSXWriter.column(max(columnCount, 1) - 1)
        let cols = columnWidths.enumerated().map { i, w in
            "<col min=\"\(i + 1)\" max=\"\(i + 1)\" width=\"\(w)\" customWidth=\"1\"/>"
        }.joined()
        let head = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
            <dimension ref="A1:\(lastColumn)\(max(rowCount, 1))"/>\
            <sheetViews><sheetView workbookViewId="0">\
            <pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>\
            <sheetFormatPr defaultRowHeight="15"/>\
            \(cols.isEmpty ? "" : "<cols>\(cols)</cols>")<sheetData>
            """
        let tail = "</sheetData>" + (rowCount > 0 ? "<autoFilter ref=\"A1:\(lastColumn)\(rowCount)\"/>" : "") + "</worksheet>"
        // The sheet is head + rows + tail: put the ends on the file's two sides.
        let full = FileManager.default.temporaryDirectory.appendingPathComponent("rectify-sheet-\(UUID().uuidString).xml")
        defer { try? FileManager.default.removeItem(at: full) }
        guard FileManager.default.createFile(atPath: full.path, contents: Data(head.utf8)) else {
            throw OfficeError("file.writeFailed", "无法创建临时文件")
        }
        let out = try FileHandle(forWritingTo: full)
        try out.seekToEnd()
        let rows = try FileHandle(forReadingFrom: sheetURL)
        while let chunk = try rows.read(upToCount: 1 << 20), !chunk.isEmpty { try out.write(contentsOf: chunk) }
        try rows.close()
        try out.write(contentsOf: Data(tail.utf8))
        try out.close()

        try Zip.write(to: url, entries: [
            ("[Content_Types].xml", .text(Self.contentTypes)),
            ("_rels/.rels", .text(Self.rootRels)),
            ("docProps/app.xml", .text(Self.appProps)),
            ("xl/workbook.xml", .text(workbook)),
            ("xl/_rels/workbook.xml.rels", .text(Self.workbookRels)),
            ("xl/styles.xml", .text(Self.styles)),
            ("xl/worksheets/sheet1.xml", .file(full)),
        ])
    }

    private var workbook: String {
        """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
        xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
        <sheets><sheet name="\(XMLText.escape(String(sheetName.prefix(31))))" sheetId="1" r:id="rId1"/></sheets>\
        \(rowCount > 0 ? "<definedNames><definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"0\" hidden=\"1\">'\(XMLText.escape(String(sheetName.prefix(31))))'!$A$1:$\(XLSXWriter.column(max(columnCount, 1) - 1))$\(rowCount)</definedName></definedNames>" : "")\
        </workbook>
        """
    }

    static let contentTypes = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
        <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
        <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
        <Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>\
        </Types>
        """

    static let rootRels = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
        <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>\
        </Relationships>
        """

    static let appProps = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Rectify</Application></Properties>
        """

    static let workbookRels = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\
        <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
        </Relationships>
        """

    /// Style 0: default; 1: header (bold, grey fill, wrapped, centred); 2: body (wrapped, top-aligned).
    static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <fonts count="2"><font><sz val="11"/><name val="等线"/><family val="2"/></font>\
        <font><b/><sz val="11"/><name val="等线"/><family val="2"/></font></fonts>\
        <fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>\
        <fill><patternFill patternType="solid"><fgColor rgb="FFE7ECF3"/><bgColor indexed="64"/></patternFill></fill></fills>\
        <borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>\
        <border><left style="thin"><color rgb="FFB0B7C3"/></left><right style="thin"><color rgb="FFB0B7C3"/></right>\
        <top style="thin"><color rgb="FFB0B7C3"/></top><bottom style="thin"><color rgb="FFB0B7C3"/></bottom><diagonal/></border></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1">\
        <alignment horizontal="center" vertical="center" wrapText="1"/></xf>\
        <xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1">\
        <alignment vertical="top" wrapText="1"/></xf></cellXfs>\
        <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
        </styleSheet>
        """
}
