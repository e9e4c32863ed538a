import Foundation

/// A Word document (.docx, WordprocessingML) of plain paragraphs, laid out as
/// Chinese official documents are: a centred title, headings in 黑体, body text in
/// 仿宋 三号 with a two-character first-line indent. Word, WPS and LibreOffice open it.
public struct DOCXDocument: Sendable {
    public enum Style: String, Sendable {
        case title, heading, body, note
    }

    public struct Paragraph: Sendable {
        public let style: Style
        public let text: String
        public init(_ style: Style, _ text: String) {
            self.style = style
            self.text = text
        }
    }

    public var paragraphs: [Paragraph]
    public var title: String

    public init(title: String, paragraphs: [Paragraph] = []) {
        self.title = title
        self.paragraphs = paragraphs
    }

    public func data() throws -> Data {
        try Zip.data(entries: [
            ("[Content_Types].xml", .text(Self.contentTypes)),
            ("_rels/.rels", .text(Self.rootRels)),
            ("docProps/core.xml", .text(core)),
            ("word/document.xml", .text(document)),
            ("word/_rels/document.xml.rels", .text(Self.documentRels)),
            ("word/styles.xml", .text(Self.styles)),
        ])
    }

    var document: String {
        var body = ""
        for p in paragraphs {
            // A line break inside a paragraph's text becomes its own paragraph of the same style.
            for line in p.text.split(separator: "\n", omittingEmptySubsequences: false) {
                body += "<w:p><w:pPr><w:pStyle w:val=\"\(p.style.rawValue)\"/></w:pPr>"
                body += line.isEmpty ? "</w:p>" : "<w:r><w:t xml:space=\"preserve\">\(XMLText.escape(String(line)))</w:t></w:r></w:p>"
            }
        }
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>\(body)\
            <w:sectPr><w:pgSz w:w="11906" w:h="16838"/>\
            <w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/>\
            </w:sectPr></w:body></w:document>
            """
    }

    var core: String {
        """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
        xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>\(XMLText.escape(title))</dc:title><dc:creator>Rectify</dc:creator></cp:coreProperties>
        """
    }

    static let contentTypes = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>\
        <Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>\
        <Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>\
        </Types>
        """

    static let rootRels = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>\
        <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>\
        </Relationships>
        """

    static let documentRels = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
        </Relationships>
        """

    /// Sizes are half-points: 44 = 二号 (22 pt), 32 = 三号 (16 pt), 28 = 四号 (14 pt).
    static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">\
        <w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" \
        w:eastAsia="仿宋" w:cs="Times New Roman"/><w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault>\
        <w:pPrDefault><w:pPr><w:spacing w:line="560" w:lineRule="exact"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>\
        <w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>\
        <w:style w:type="paragraph" w:styleId="title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/>\
        <w:pPr><w:jc w:val="center"/><w:spacing w:before="240" w:after="480" w:line="700" w:lineRule="exact"/></w:pPr>\
        <w:rPr><w:rFonts w:eastAsia="方正小标宋简体"/><w:b/><w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr></w:style>\
        <w:style w:type="paragraph" w:styleId="heading"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/>\
        <w:pPr><w:keepNext/><w:ind w:firstLineChars="200" w:firstLine="640"/><w:outlineLvl w:val="0"/></w:pPr>\
        <w:rPr><w:rFonts w:eastAsia="黑体"/></w:rPr></w:style>\
        <w:style w:type="paragraph" w:styleId="body"><w:name w:val="Body Text"/><w:basedOn w:val="Normal"/>\
        <w:pPr><w:ind w:firstLineChars="200" w:firstLine="640"/></w:pPr></w:style>\
        <w:style w:type="paragraph" w:styleId="note"><w:name w:val="Note"/><w:basedOn w:val="Normal"/>\
        <w:pPr><w:jc w:val="right"/></w:pPr><w:rPr><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>\
        </w:styles>
        """
}
