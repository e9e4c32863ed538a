/// A ledger (台账) sheet as offices keep it (issue 5 §3): find the header row, map
/// its columns, whatever names this office uses for them, and read each row into
/// what it says. Checks that need no database happen here; unit names are checked
/// against the store by the server.
public enum LedgerSheet {
    public enum Field: String, CaseIterable, Sendable, Codable {
        case number, problem, title, target, measures, responsible, cooperating, supervising, acceptance
        case leadOfficial, deadline, originalDeadline, milestones, progress, status, light

        /// The standard heading first, then the variants offices use.
        public var headings: [String] {
            switch self {
            case .number: ["序号", "编号", "任务编号", "任务序号"]
            case .problem: ["反馈问题", "问题", "存在问题", "督察反馈问题", "反馈问题内容", "问题清单"]
            case .title: ["整改任务", "任务", "整改事项", "任务名称", "整改任务内容"]
            case .target: ["整改目标", "目标"]
            case .measures: ["整改措施", "措施", "具体措施", "主要措施"]
            case .responsible: ["责任单位", "牵头单位", "主责单位", "整改责任单位", "牵头责任单位", "责任主体"]
            case .cooperating: ["配合单位", "协同单位", "协办单位", "参与单位"]
            case .supervising: ["督导单位", "督办单位", "监督单位"]
            case .acceptance: ["验收单位", "验收部门"]
            case .leadOfficial: ["责任领导", "牵头领导", "分管领导", "责任人", "领导"]
            case .deadline: ["整改时限", "完成时限", "整改期限", "完成时间", "时限", "整改时间"]
            case .originalDeadline: ["原整改时限", "原完成时限"]
            case .milestones: ["阶段目标", "阶段性目标"]
            case .progress: ["整改进展", "进展情况", "整改进展情况", "工作进展"]
            case .status: ["完成情况", "整改情况", "整改状态", "完成状态"]
            case .light: ["预警"]
            }
        }

        public static let required: [Field] = [.number, .title, .responsible, .deadline]

        public static func matching(_ heading: String) -> Field? {
            let h = heading.filter { !$0.isWhitespace && $0 != "*" && $0 != "★" }
            return allCases.first { $0.headings.contains(h) }
        }
    }

    public struct Header: Sendable, Equatable {
        /// Zero-based index of the header row among the rows given.
        public let rowIndex: Int
        public let columns: [Field: Int]
        /// Headings this reader does not use (kept for the preview: "列“备注”未导入").
        public let ignored: [String]
    }

    /// The first row, among the first ten, that names every required column; a title
    /// row above the header ("××市整改台账") is skipped. Throws listing what is missing.
    public static func header(_ rows: [[String]]) throws -> Header {
        var best: (index: Int, columns: [Field: Int], ignored: [String])?
        for (index, row) in rows.prefix(10).enumerated() {
            var columns: [Field: Int] = [:]
            var ignored: [String] = []
            for (i, cell) in row.enumerated() where !cell.allSatisfy(\.isWhitespace) {
                if let f = Field.matching(cell), columns[f] == nil { columns[f] = i } else { ignored.append(cell) }
            }
            if best == nil || columns.count > best!.columns.count { best = (index, columns, ignored) }
            if Field.required.allSatisfy({ columns[$0] != nil }) {
                return Header(rowIndex: index, columns: columns, ignored: ignored)
            }
        }
        guard let best, !best.columns.isEmpty else {
            throw ValidationFailure([.init("ledger.noHeader", field: "file",
                                           "前十行中找不到台账表头:至少需要“序号”“整改任务”“责任单位(或牵头单位)”“整改时限(或完成时限)”四列")])
        }
        let missing = Field.required.filter { best.columns[$0] == nil }.map { $0.headings[0] }
        throw ValidationFailure([.init("ledger.columnsMissing", field: "file",
                                       "台账缺少必需的列:\(missing.joined(separator: "、"))(第 \(best.index + 1) 行是表头)")])
    }

    public struct Row: Sendable, Equatable {
        /// The line as the spreadsheet numbers it.
        public var line: Int
        public var number: Int?
        public var problemNumber: Int?
        public var problemText: String
        public var title: String
        public var target: String
        public var measures: String
        public var units: [UnitRole: [String]]
        public var leadOfficial: String
        public var deadlineText: String
        public var deadline: DeadlinePhrase.Reading?
        public var originalDeadline: LocalDate?
        public var milestones: [Milestone]
        public var status: PublicStatus?
        /// What is wrong with the row on its own (no database needed).
        public var violations: [Violation]
    }

    /// Reads the rows under the header. `lines` are the spreadsheet's own row numbers;
    /// wholly empty rows are skipped. A number used twice is a problem of both rows.
    public static func rows(_ cells: [[String]], lines: [Int], header: Header, immediateBy: LocalDate?) -> [Row] {
        var out: [Row] = []
        for (offset, row) in cells.enumerated().dropFirst(header.rowIndex + 1) {
            if row.allSatisfy({ $0.allSatisfy(\.isWhitespace) }) { continue }
            func cell(_ f: Field) -> String {
                guard let i = header.columns[f], i < row.count else { return "" }
                return row[i].trimmingCharacters(in: .whitespacesAndNewlines)
            }
            out.append(read(line: lines[offset], cell: cell, immediateBy: immediateBy))
        }
        var seen: [Int: Int] = [:]
        for r in out { if let n = r.number { seen[n, default: 0] += 1 } }
        for i in out.indices {
            if let n = out[i].number, seen[n]! > 1 {
                out[i].violations.append(.init("ledger.numberDuplicate", field: "序号", "序号 \(n) 在表中出现了 \(seen[n]!) 次"))
            }
        }
        return out
    }

    static func read(line: Int, cell: (Field) -> String, immediateBy: LocalDate?) -> Row {
        var v: [Violation] = []
        let numberText = cell(.number)
        let number = integer(numberText)
        if numberText.isEmpty {
            v.append(.init("ledger.numberMissing", field: "序号", "缺少序号"))
        } else if number == nil || !(1...99_999).contains(number!) {
            v.append(.init("ledger.numberInvalid", field: "序号", "序号“\(numberText)”不是 1 至 99999 的整数"))
        }
        let title = cell(.title)
        if title.isEmpty { v.append(.init("ledger.titleMissing", field: "整改任务", "缺少整改任务")) }

        var units: [UnitRole: [String]] = [:]
        for (field, role) in [(Field.responsible, UnitRole.responsible), (.cooperating, .cooperating),
                              (.supervising, .supervising), (.acceptance, .acceptance)] {
            let names = unitNames(cell(field))
            if !names.isEmpty { units[role] = names }
        }
        if units[.responsible] == nil { v.append(.init("ledger.responsibleMissing", field: "责任单位", "缺少责任单位")) }

        let deadlineText = cell(.deadline)
        let deadline = DeadlinePhrase.read(deadlineText, immediateBy: immediateBy)
        if deadlineText.isEmpty {
            v.append(.init("ledger.deadlineMissing", field: "整改时限", "缺少整改时限"))
        } else if deadline == nil {
            v.append(.init("ledger.deadlineUnreadable", field: "整改时限",
                           "整改时限“\(deadlineText)”无法识别:请写成 2019年6月30日、2018年12月底前、2020年底、长期坚持 等"))
        }
        let originalText = cell(.originalDeadline)
        let original = DeadlinePhrase.dates(in: originalText).max()
        if !originalText.isEmpty, original == nil, DeadlinePhrase.read(originalText)?.kind != .longTerm {
            v.append(.init("ledger.originalDeadlineUnreadable", field: "原整改时限", "原整改时限“\(originalText)”无法识别"))
        }

        var milestones: [Milestone] = []
        for raw in cell(.milestones).split(whereSeparator: \.isNewline) {
            let text = raw.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { continue }
            guard let date = DeadlinePhrase.dates(in: text).first else {
                v.append(.init("ledger.milestoneUnreadable", field: "阶段目标", "阶段目标“\(text)”中没有可识别的日期"))
                continue
            }
            milestones.append(Milestone(date: date, description: milestoneDescription(text)))
        }
        if let d = deadline?.deadline, deadline?.kind != .longTerm {
            for m in milestones where m.date > d {
                v.append(.init("ledger.milestoneAfterDeadline", field: "阶段目标",
                               "阶段目标“\(m.description)”的时间(\(m.date.chinese))晚于整改时限(\(d.chinese))"))
            }
        }

        let statusText = cell(.status)
        let status = statusText.isEmpty ? nil : Self.status(statusText)
        if !statusText.isEmpty, status == nil {
            v.append(.init("ledger.statusUnreadable", field: "完成情况",
                           "完成情况“\(statusText)”无法识别:应为 已完成、基本完成、达到序时进度、未达到序时进度、全面实施、正在推进 等"))
        }

        let (problemNumber, problemText) = problem(cell(.problem))
        return Row(line: line, number: number, problemNumber: problemNumber, problemText: problemText, title: title,
                   target: cell(.target), measures: cell(.measures), units: units, leadOfficial: cell(.leadOfficial),
                   deadlineText: deadlineText, deadline: deadline, originalDeadline: original, milestones: milestones,
                   status: status, violations: v)
    }

    /// 完成情况 in a report's words (PublicStatus labels) or a ledger's shorter ones.
    public static func status(_ text: String) -> PublicStatus? {
        if let s = PublicStatus(reportedWords: text) { return s }
        let words: [(String, PublicStatus)] = [
            ("基本完成", .basicallyCompleted), ("已完成", .completed), ("完成", .completed), ("已整改", .completed),
            ("已办结", .completed), ("未达序时", .behindSchedule), ("进度滞后", .behindSchedule), ("滞后", .behindSchedule),
            ("按序时推进", .onSchedule), ("序时推进", .onSchedule), ("正常推进", .onSchedule), ("达到序时", .onSchedule),
            ("正在推进", .inProgress), ("推进中", .inProgress), ("进行中", .inProgress), ("整改中", .inProgress),
        ]
        let t = text.trimmingCharacters(in: .whitespaces)
        return words.sorted { $0.0.count > $1.0.count }.first { t.hasPrefix($0.0) }?.1
    }

    /// 12, 12.0 (a number cell), 十二.
    static func integer(_ text: String) -> Int? {
        if let n = Int(text) { return n }
        if text.hasSuffix(".0"), let n = Int(text.dropLast(2)) { return n }
        return ChineseNumeral.value(text)
    }

    /// "三十七、问题文字" → (37, "问题文字"); "(一)…" → (1, …); text alone → (nil, text).
    static func problem(_ text: String) -> (Int?, String) {
        guard !text.isEmpty else { return (nil, "") }
        let firstLine = text
        for opener in ["(", "（"] where firstLine.hasPrefix(opener) {
            if let close = firstLine.firstIndex(where: { $0 == ")" || $0 == "）" }) {
                let inner = String(firstLine[firstLine.index(after: firstLine.startIndex)..<close])
                if let n = ChineseNumeral.value(inner) ?? Int(inner) {
                    return (n, firstLine[firstLine.index(after: close)...].trimmingCharacters(in: .whitespaces))
                }
            }
        }
        if let mark = firstLine.firstIndex(where: { $0 == "、" || $0 == "." || $0 == "．" }) {
            let head = String(firstLine[..<mark])
            if head.count <= 6, let n = ChineseNumeral.value(head) ?? Int(head) {
                return (n, firstLine[firstLine.index(after: mark)...].trimmingCharacters(in: .whitespaces))
            }
        }
        if let n = ChineseNumeral.value(firstLine) ?? Int(firstLine) { return (n, "") }
        return (nil, text)
    }

    /// "2018年6月30日:完成方案(已完成)" → "完成方案"; a line that is not "date: text" stays whole.
    public static func milestoneDescription(_ text: String) -> String {
        var t = text
        for done in ["(已完成)", "(已完成)"] where t.hasSuffix(done) { t = String(t.dropLast(done.count)) }
        if let colon = t.firstIndex(where: { $0 == ":" || $0 == "：" }),
           !DeadlinePhrase.dates(in: String(t[..<colon])).isEmpty {
            let rest = t[t.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if !rest.isEmpty { return rest }
        }
        return t
    }

    /// Unit names in a cell: separated by 、 , ， ; ； or new lines, but not inside
    /// brackets ("各县（市、区）政府" is one name).
    public static func unitNames(_ text: String) -> [String] {
        var names: [String] = []
        var current = ""
        var depth = 0
        for ch in text {
            switch ch {
            case "(", "（", "[", "【": depth += 1; current.append(ch)
            case ")", "）", "]", "】": depth = max(0, depth - 1); current.append(ch)
            case "、", ",", "，", ";", "；", "\n", "\r":
                if depth == 0 {
                    names.append(current)
                    current = ""
                } else {
                    current.append(ch)
                }
            default: current.append(ch)
            }
        }
        names.append(current)
        var seen: Set<String> = []
        return names.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && seen.insert($0).inserted }
    }
}
