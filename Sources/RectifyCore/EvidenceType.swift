/// 佐证材料 (issue 3 §12): what kinds of file Rectify accepts as evidence, told by
/// their content, never by their name. Images, PDF, and Office/WPS documents (the
/// ZIP-based OOXML/ODF/OFD formats and the older OLE compound format of .doc/.xls/.wps).
public enum EvidenceType: String, Sendable, Codable, CaseIterable {
    case jpeg, png, gif, webp, tiff, pdf, officeOpenXML, openDocument, ofd, oleCompound

    public var mimeType: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .gif: "image/gif"
        case .webp: "image/webp"
        case .tiff: "image/tiff"
        case .pdf: "application/pdf"
        case .officeOpenXML: "application/vnd.openxmlformats-officedocument"
        case .openDocument: "application/vnd.oasis.opendocument"
        case .ofd: "application/ofd"
        case .oleCompound: "application/x-ole-storage"
        }
    }

    public var label: String {
        switch self {
        case .jpeg, .png, .gif, .webp, .tiff: "图片"
        case .pdf: "PDF 文档"
        case .officeOpenXML, .openDocument, .oleCompound: "Office/WPS 文档"
        case .ofd: "OFD 版式文档"
        }
    }

    public static let acceptedDescription = "图片(JPG、PNG、GIF、WEBP、TIFF)、PDF、OFD 和 Office/WPS 文档"

    /// Reads the file's leading bytes (the first 4 KiB are plenty).
    public static func detect(_ head: [UInt8]) -> EvidenceType? {
        func starts(_ sig: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + sig.count && Array(head[offset..<(offset + sig.count)]) == sig
        }
        func contains(_ text: String) -> Bool {
            let needle = Array(text.utf8)
            guard head.count >= needle.count else { return false }
            for i in 0...(head.count - needle.count) where head[i] == needle[0] {
                if Array(head[i..<(i + needle.count)]) == needle { return true }
            }
            return false
        }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) { return .webp }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return .tiff }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return .oleCompound }
        if starts([0x50, 0x4B, 0x03, 0x04]) {
            // A ZIP is evidence only when it is a document format, not any archive.
            if contains("[Content_Types].xml") { return .officeOpenXML }
            if contains("mimetypeapplication/vnd.oasis.opendocument") { return .openDocument }
            if contains("OFD.xml") { return .ofd }
        }
        return nil
    }
}
