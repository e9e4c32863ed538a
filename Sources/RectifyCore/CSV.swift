/// CSV as Excel, WPS and LibreOffice read it: RFC 4180 quoting, CRLF line ends, and a
/// UTF-8 byte-order mark so Chinese text opens without choosing an encoding.
public enum CSV {
    public static let byteOrderMark = "\u{FEFF}"

    /// One line. A cell that a spreadsheet would run as a formula (=, +, -, @ first)
    /// gets a leading apostrophe: exported text stays text.
    public static func line(_ cells: [String]) -> String {
        cells.map(cell).joined(separator: ",") + "\r\n"
    }

    static func cell(_ raw: String) -> String {
        var value = raw
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// The standard columns of a ledger (台账), as offices head their sheets (issue 5 §2).
public enum LedgerColumns {
    public static let headers = ["序号", "反馈问题", "整改任务", "整改目标", "整改措施", "责任单位", "配合单位", "督导单位",
                                 "验收单位", "责任领导", "整改时限", "原整改时限", "阶段目标", "整改进展", "完成情况", "预警"]
}
