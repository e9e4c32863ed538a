import Foundation

/// 污染类型 of a petition case (a case may have several).
public enum PollutionKind: String, Labelled {
    case air, water, soil, noise, ecology, solidWaste, radiation, other
    public var label: String {
        switch self {
        case .air: "大气"
        case .water: "水"
        case .soil: "土壤"
        case .noise: "噪声"
        case .ecology: "生态破坏"
        case .solidWaste: "固体废物"
        case .radiation: "辐射"
        case .other: "其他"
        }
    }
}

/// 调查核实情况: whether the complaint was founded.
public enum PetitionFinding: String, Labelled {
    case founded, mostlyFounded, partlyFounded, unfounded
    public var label: String {
        switch self {
        case .founded: "属实"
        case .mostlyFounded: "基本属实"
        case .partlyFounded: "部分属实"
        case .unfounded: "不属实"
        }
    }
}

/// 办理状态: 待核查 → 办理中 → 阶段性办结 → 办结.
public enum PetitionStatus: String, Labelled, Comparable {
    case pending, handling, concludedStage, concluded
    public var label: String {
        switch self {
        case .pending: "待核查"
        case .handling: "办理中"
        case .concludedStage: "阶段性办结"
        case .concluded: "办结"
        }
    }

    /// Handled for publishing and counting: 阶段性办结 or 办结.
    public static let handled: [PetitionStatus] = [.concludedStage, .concluded]
    var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
    /// Counted as 办结 in the published figures (阶段性办结 is counted apart).
    public var isConcluded: Bool { self == .concluded }
}

/// How the complaint reached the team: 来电 (D…) or 来信 (X…) by the case number's first letter.
public enum PetitionSource: String, Labelled {
    case phone, letter, other
    public var label: String {
        switch self {
        case .phone: "来电"
        case .letter: "来信"
        case .other: "其他"
        }
    }

    /// From a team case number such as D3SX202505280018.
    public init(caseNumber: String) {
        switch caseNumber.first {
        case "D", "d": self = .phone
        case "X", "x": self = .letter
        default: self = .other
        }
    }
}

/// 回访: the complainant asked afterwards.
public enum FollowUp: String, Labelled {
    case satisfied, unsatisfied, unreachable
    public var label: String {
        switch self {
        case .satisfied: "满意"
        case .unsatisfied: "不满意"
        case .unreachable: "未能联系"
        }
    }
}

/// What a unit or the office reports on a case: the facts a step needs, checked here,
/// without a web framework.
public struct PetitionProgress: Sendable, Equatable {
    public var status: PetitionStatus
    public var finding: PetitionFinding?
    public var findings: String
    public var measures: String
    public var fineYuan: Int
    public var finedCompanies: Int
    public var detained: Int
    public var summoned: Int
    public var heldToAccount: Int

    public init(status: PetitionStatus, finding: PetitionFinding?, findings: String, measures: String,
                fineYuan: Int = 0, finedCompanies: Int = 0, detained: Int = 0, summoned: Int = 0, heldToAccount: Int = 0) {
        self.status = status
        self.finding = finding
        self.findings = findings
        self.measures = measures
        self.fineYuan = fineYuan
        self.finedCompanies = finedCompanies
        self.detained = detained
        self.summoned = summoned
        self.heldToAccount = heldToAccount
    }

    /// Largest fine one case records (¥10 亿): bounds the sums the figures add up.
    public static let maxFineYuan = 1_000_000_000
    /// Largest count of companies or people one case records.
    public static let maxCount = 10_000

    /// The rules of a step from `current` to `status`: forward only (a concluded case is
    /// reopened by a new case, not by going back); past 待核查 a finding and what was
    /// found are required; a conclusion needs the measures taken; numbers in range.
    public func violations(from current: PetitionStatus) -> [Violation] {
        var v: [Violation] = []
        if status < current {
            v.append(.init("petition.backwards", field: "status", "办理状态不能从“\(current.label)”退回“\(status.label)”"))
        }
        if current == .concluded, status == .concluded {
            v.append(.init("petition.concluded", field: "status", "该件已办结"))
        }
        if status != .pending {
            if finding == nil { v.append(.init("petition.findingRequired", field: "finding", "请选择调查核实结论(属实、基本属实、部分属实、不属实)")) }
            if isBlank(findings) { v.append(.init("petition.findingsRequired", field: "findings", "请填写调查核实情况")) }
        }
        if status == .concluded || status == .concludedStage, isBlank(measures) {
            v.append(.init("petition.measuresRequired", field: "measures", "办结须填写处理和整改情况"))
        }
        if !(0...Self.maxFineYuan).contains(fineYuan) {
            v.append(.init("petition.fineInvalid", field: "fineYuan", "罚款金额应为 0 至 10 亿元"))
        }
        for (field, n, word) in [("finedCompanies", finedCompanies, "立案处罚企业数"), ("detained", detained, "行政拘留人数"),
                                 ("summoned", summoned, "约谈人数"), ("heldToAccount", heldToAccount, "问责人数")]
        where !(0...Self.maxCount).contains(n) {
            v.append(.init("petition.countInvalid", field: field, "\(word)应为 0 至 \(Self.maxCount)"))
        }
        return v
    }
}

/// Places compared for repeat complaints: the same place written with different spaces,
/// punctuation or full-width letters is the same place.
public enum PlaceKey {
    public static func of(_ place: String) -> String {
        var out = ""
        for scalar in place.precomposedStringWithCompatibilityMapping.lowercased().unicodeScalars {
            let p = scalar.properties
            if p.isWhitespace || p.generalCategory.isPunctuationOrSymbol { continue }
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}

extension Unicode.GeneralCategory {
    var isPunctuationOrSymbol: Bool {
        switch self {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol,
             .control, .format:
            true
        default:
            false
        }
    }
}

/// 办理情况一览表: the table offices publish for each batch (issue 13 §2), one row per case,
/// with nothing about who complained.
public enum HandlingList {
    public static let headers = ["序号", "受理编号", "交办问题基本情况", "行政区域", "污染类型", "调查核实情况", "是否属实",
                                 "处理和整改情况", "责任人被处理情况"]

    public struct Case: Sendable {
        public var caseNumber: String
        public var complaint: String
        public var region: String
        public var kinds: [PollutionKind]
        public var findings: String
        public var finding: PetitionFinding?
        public var measures: String
        public var summoned: Int
        public var heldToAccount: Int
        public var status: PetitionStatus
        /// 责令整改 was ordered.
        public var orderedRectification: Bool

        public init(caseNumber: String, complaint: String, region: String, kinds: [PollutionKind], findings: String,
                    finding: PetitionFinding?, measures: String, summoned: Int, heldToAccount: Int, status: PetitionStatus,
                    orderedRectification: Bool) {
            self.caseNumber = caseNumber
            self.complaint = complaint
            self.region = region
            self.kinds = kinds
            self.findings = findings
            self.finding = finding
            self.measures = measures
            self.summoned = summoned
            self.heldToAccount = heldToAccount
            self.status = status
            self.orderedRectification = orderedRectification
        }
    }

    /// 责任人被处理情况 in the words the lists use: 约谈N人、问责N人, or 无.
    public static func accountability(_ c: Case) -> String {
        var parts: [String] = []
        if c.summoned > 0 { parts.append("约谈\(c.summoned)人") }
        if c.heldToAccount > 0 { parts.append("问责\(c.heldToAccount)人") }
        return parts.isEmpty ? "无" : parts.joined(separator: "、")
    }

    /// The measures as published: they say when 责令整改 was ordered (unless their own
    /// words already do) and when the case is closed only for the stage.
    public static func measures(_ c: Case) -> String {
        var text = c.measures
        if c.orderedRectification, !text.contains("责令") { text = "责令整改;" + text }
        return c.status == .concludedStage ? "(阶段性办结)" + text : text
    }

    /// The cells of one row.
    public static func row(_ index: Int, _ c: Case) -> [String] {
        let measures = measures(c)
        return [String(index), c.caseNumber, c.complaint, c.region, c.kinds.map(\.label).joined(separator: "、"), c.findings,
                c.finding?.label ?? "", measures, accountability(c)]
    }
}

/// The petition figures a rectification report gives (issue 13 §5), e.g. “督察组交办的91件
/// 群众信访举报件,已办结53件、阶段性办结8件;立案处罚12家,罚款35.6万元,问责14人。”
public struct PetitionFigures: Sendable, Equatable, Codable {
    public var total = 0
    public var concluded = 0
    public var concludedStage = 0
    public var finedCompanies = 0
    public var fineYuan = 0
    public var detained = 0
    public var summoned = 0
    public var heldToAccount = 0
    /// Cases in which 责令整改 was ordered.
    public var orderedRectification = 0

    public init() {}

    /// Adds `count` cases in `status` with these handling figures.
    public mutating func add(status: PetitionStatus, count: Int = 1, orderedRectification ordered: Int = 0, finedCompanies: Int = 0,
                             fineYuan: Int = 0, detained: Int = 0, summoned: Int = 0, heldToAccount: Int = 0) {
        total += count
        if status == .concluded { concluded += count }
        if status == .concludedStage { concludedStage += count }
        orderedRectification += ordered
        self.finedCompanies += finedCompanies
        self.fineYuan += fineYuan
        self.detained += detained
        self.summoned += summoned
        self.heldToAccount += heldToAccount
    }

    /// 办结率 in whole percent, rounded down (so 99.6% never reads as 100%).
    public var closureRate: Int { total == 0 ? 0 : concluded * 100 / total }

    /// Yuan as 万元 with at most two decimals, rounded half up: 356000 → “35.6”, 200000 → “20”.
    public static func wan(_ yuan: Int) -> String {
        let hundredths = (max(yuan, 0) + 50) / 100
        let whole = hundredths / 100
        var rest = hundredths % 100
        guard rest != 0 else { return String(whole) }
        var digits = rest < 10 ? "0\(rest)" : String(rest)
        if rest % 10 == 0 { rest /= 10; digits = String(rest) }
        return "\(whole).\(digits)"
    }

    /// The report's sentence; nil when no case was handed over.
    public var sentence: String? {
        guard total > 0 else { return nil }
        var s = "督察组交办的\(total)件群众信访举报件,已办结\(concluded)件"
        if concludedStage > 0 { s += "、阶段性办结\(concludedStage)件" }
        var enforcement: [String] = []
        if orderedRectification > 0 { enforcement.append("责令整改\(orderedRectification)件") }
        if finedCompanies > 0 { enforcement.append("立案处罚\(finedCompanies)家") }
        if fineYuan > 0 { enforcement.append("罚款\(Self.wan(fineYuan))万元") }
        if detained > 0 { enforcement.append("行政拘留\(detained)人") }
        if summoned > 0 { enforcement.append("约谈\(summoned)人") }
        if heldToAccount > 0 { enforcement.append("问责\(heldToAccount)人") }
        if !enforcement.isEmpty { s += ";" + enforcement.joined(separator: ",") }
        return s + "。"
    }
}

/// 责任追究: where a lead came from.
public enum LeadSource: String, Labelled {
    case team, rectification
    public var label: String {
        switch self {
        case .team: "督察组移交"
        case .rectification: "整改中发现"
        }
    }
}

/// The rank of a person held to account.
public enum OfficialRank: String, Labelled {
    case department, division, section, other
    public var label: String {
        switch self {
        case .department: "厅级"
        case .division: "处级"
        case .section: "科级"
        case .other: "其他"
        }
    }
}

/// What was done to a person held to account.
public enum AccountabilityMeasure: String, Labelled {
    case admonition, talk, criticism, partyDiscipline, governmentSanction, organisational, judicial
    public var label: String {
        switch self {
        case .admonition: "诫勉谈话"
        case .talk: "约谈"
        case .criticism: "通报批评"
        case .partyDiscipline: "党纪处分"
        case .governmentSanction: "政务处分"
        case .organisational: "组织处理"
        case .judicial: "移送司法机关"
        }
    }
}

/// Whether a case was handled within its time: done (办结 or 阶段性办结 first reached) on
/// or before its due date, done after it, not done and past it, or not done and not due.
public enum PetitionTiming: String, Sendable, CaseIterable {
    case onTime, late, overdue, open
}

/// The dashboard's petition figures over a scope (issue 13 §5): cases by status, 办结率,
/// 按期办结率, key cases still open and repeat complaints.
public struct PetitionOverview: Sendable, Equatable {
    public private(set) var byStatus: [PetitionStatus: Int] = [:]
    public private(set) var total = 0
    public private(set) var keyOpen = 0
    public private(set) var repeats = 0
    public private(set) var byTiming: [PetitionTiming: Int] = [:]

    public init() {}

    public mutating func add(status: PetitionStatus, key: Bool, timing: PetitionTiming, count: Int) {
        guard count > 0 else { return }
        byStatus[status, default: 0] += count
        total += count
        if key, status != .concluded { keyOpen += count }
        byTiming[timing, default: 0] += count
    }

    /// Cases that complain again of a place an earlier case in the scope named.
    public mutating func addRepeats(_ count: Int) {
        if count > 0 { repeats += count }
    }

    public func count(_ s: PetitionStatus) -> Int { byStatus[s] ?? 0 }
    public func count(_ t: PetitionTiming) -> Int { byTiming[t] ?? 0 }

    /// 办结率 in whole percent, rounded down; nil with no case.
    public var closureRate: Int? { total == 0 ? nil : count(.concluded) * 100 / total }

    /// 按期办结率: of the cases done or due, the share done by their due date, in whole
    /// percent rounded down; nil when none is done or due yet. A case past its due date and
    /// not done counts against it, so the rate cannot look better by leaving cases open.
    public var onTimeRate: Int? {
        let due = count(.onTime) + count(.late) + count(.overdue)
        return due == 0 ? nil : count(.onTime) * 100 / due
    }
}
