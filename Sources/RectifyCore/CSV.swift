/// CSV as Excel, WPS and LibreOffice read it: RFC 4180 quoting, CRLF line ends, and a
/// UTF-8 byte-order mark so Chinese text opens without choosing an encoding.
public enum CSV {
    public static let byteOrderMark = "\u{FEFF}"

    /// One line. A cell that a spreadsheet would run as a formula (=, +, -, @, tab or CR
    /// first) gets a leading apostrophe, so exported text stays text; a cell that starts
    /// with an apostrophe gets one more, so `parse` can tell ours from the user's and
    /// every cell reads back as it was written (line breaks as LF).
    public static func line(_ cells: [String]) -> String {
        cells.map(cell).joined(separator: ",") + "\r\n"
    }

    static func cell(_ raw: String) -> String {
        // Byte-wise: this runs for every cell of a 100,000-task export.
        var quote = false, quotes = false
        for b in raw.utf8 {
            switch b {
            case 0x2C, 0x0A, 0x0D: quote = true
            case 0x22: quote = true; quotes = true
            default: continue
            }
        }
        let defuse = raw.utf8.first.map { defused.contains($0) } ?? false
        guard quote else { return defuse ? "'" + raw : raw }
        var bytes: [UInt8] = [0x22]
        bytes.reserveCapacity(raw.utf8.count + 8)
        if defuse { bytes.append(0x27) }
        for b in raw.utf8 {
            bytes.append(b)
            if b == 0x22, quotes { bytes.append(0x22) }
        }
        bytes.append(0x22)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// First bytes that get the apostrophe: = + - @ tab CR, and the apostrophe itself.
    static let defused: [UInt8] = [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D, 0x27]
}

/// The standard columns of a ledger (台账), as offices head their sheets (issue 5 §2).
public enum LedgerColumns {
    public static let headers = ["序号", "反馈问题", "整改任务", "整改目标", "整改措施", "责任单位", "配合单位", "督导单位",
                                 "验收单位", "责任领导", "整改时限", "原整改时限", "阶段目标", "整改进展", "完成情况", "预警"]
}

extension CSV {
    /// Reads CSV as Excel and WPS write it: an optional byte-order mark, quoted cells
    /// with doubled quotes and line breaks, CRLF or LF. Returns each record with the
    /// line it starts on. A cell our export defused ('=…) gets its text back.
    public static func parse(_ text: String) -> [(line: Int, cells: [String])] {
        var records: [(line: Int, cells: [String])] = []
        var cells: [String] = []
        var cell = ""
        var quoted = false
        var line = 1
        var startLine = 1
        var scalars = text.unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        var iterator = scalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let p = pending { pending = nil; return p }
            return iterator.next()
        }
        var lastWasCR = false
        func endCell() {
            if cell.unicodeScalars.first == "'", let second = cell.unicodeScalars.dropFirst().first,
               "=+-@\t\r\n'".unicodeScalars.contains(second) {
                cell.unicodeScalars.removeFirst()
            }
            cells.append(cell)
            cell = ""
        }
        while let s = next() {
            if quoted {
                if s == "\"" {
                    if let n = next() {
                        if n == "\"" { cell.unicodeScalars.append("\"") } else { quoted = false; pending = n }
                    } else {
                        quoted = false
                    }
                } else if s == "\r" {
                    // CRLF and a lone CR are both one line break, read as LF.
                    cell.unicodeScalars.append("\n")
                    line += 1
                } else if s == "\n" {
                    if !lastWasCR {
                        cell.unicodeScalars.append("\n")
                        line += 1
                    }
                } else {
                    cell.unicodeScalars.append(s)
                }
                lastWasCR = s == "\r"
                continue
            }
            switch s {
            case "\"" where cell.isEmpty: quoted = true; lastWasCR = false
            case ",": endCell()
            case "\r": continue
            case "\n":
                endCell()
                records.append((startLine, cells))
                cells = []
                line += 1
                startLine = line
            default: cell.unicodeScalars.append(s)
            }
        }
        if !cell.isEmpty || !cells.isEmpty {
            endCell()
            records.append((startLine, cells))
        }
        return records
    }
}
