import Foundation

/// The closed vocabularies of the domain (GLOSSARY.md). Raw values are the code
/// names stored in the database and sent in JSON; `label` is what people read.

public protocol Labelled: CaseIterable, RawRepresentable, Hashable, Sendable, Codable where RawValue == String {
    var label: String { get }
}

public enum RegionLevel: String, Labelled {
    case province, city, county
    public var label: String {
        switch self {
        case .province: "省级"
        case .city: "市级"
        case .county: "县级"
        }
    }
}

public enum UnitKind: String, Labelled {
    case partyCommittee, government, department, enterprise, other
    public var label: String {
        switch self {
        case .partyCommittee: "党委"
        case .government: "政府"
        case .department: "部门"
        case .enterprise: "企业"
        case .other: "其他"
        }
    }
}

public enum Role: String, Labelled {
    case admin, office, unit, acceptor, leader, discipline
    public var label: String {
        switch self {
        case .admin: "系统管理员"
        case .office: "整改办"
        case .unit: "责任单位"
        case .acceptor: "验收单位"
        case .leader: "领导"
        case .discipline: "纪检监察"
        }
    }
}

public enum InspectionLevel: String, Labelled {
    case central, provincial
    public var label: String {
        switch self {
        case .central: "中央"
        case .provincial: "省级"
        }
    }
}

public enum InspectionKind: String, Labelled {
    case routine, lookBack, thematic
    public var label: String {
        switch self {
        case .routine: "例行督察"
        case .lookBack: "回头看"
        case .thematic: "专项督察"
        }
    }
}

public enum TaskKind: String, Labelled {
    case immediate, timeLimited, longTerm
    public var label: String {
        switch self {
        case .immediate: "立行立改"
        case .timeLimited: "限期整改"
        case .longTerm: "长期坚持"
        }
    }
}

/// How a unit stands to a task (责任 / 配合 / 督导 / 验收).
public enum UnitRole: String, Labelled {
    case responsible, cooperating, supervising, acceptance
    public var label: String {
        switch self {
        case .responsible: "责任单位"
        case .cooperating: "配合单位"
        case .supervising: "督导单位"
        case .acceptance: "验收单位"
        }
    }
}

public enum DomainTag: String, Labelled {
    case air, water, soil, ecology, solidWaste, marine, mining, other
    public var label: String {
        switch self {
        case .air: "大气"
        case .water: "水"
        case .soil: "土壤"
        case .ecology: "生态"
        case .solidWaste: "固体废物"
        case .marine: "海洋"
        case .mining: "矿山"
        case .other: "其他"
        }
    }
}

/// Where a task is in its life, from the plan to closure. The transitions between
/// these states, and who may trigger each, are the lifecycle's (issue 3); the
/// foundation only stores the state.
public enum TaskState: String, Labelled {
    case draft, assigned, inProgress, completionSubmitted, accepted, publicNotice, closed
    public var label: String {
        switch self {
        case .draft: "草稿"
        case .assigned: "已交办"
        case .inProgress: "整改中"
        case .completionSubmitted: "已申请验收"
        case .accepted: "已验收"
        case .publicNotice: "公示中"
        case .closed: "已销号"
        }
    }
    /// Open: not yet closed (销号). The one definition; the narrower sets below say
    /// which open tasks a rule is about.
    public var isOpen: Bool { self != .closed }

    /// Assigned and not yet submitted for acceptance: units claim these and owe reports on them.
    public static let inWork: [TaskState] = [.assigned, .inProgress]

    /// Assigned and not yet accepted: their deadlines are still to be met.
    public static let awaitingCompletion: [TaskState] = [.assigned, .inProgress, .completionSubmitted]

    /// Whose light and public status time alone can change (`Schedule.assess` judges them):
    /// the daily recompute refreshes these.
    public static let timeSensitive: [TaskState] = [.draft, .assigned, .inProgress, .completionSubmitted]
}

/// The status words that public rectification reports use for a task
/// (seed 004: 已完成整改 / 基本完成整改 / 达到序时进度 / 未达到序时进度 / 全面实施 /
/// 正在推进整改). Recorded per task as its 完成情况 in the ledger.
public enum PublicStatus: String, Labelled {
    case completed, basicallyCompleted, onSchedule, behindSchedule, fullyImplemented, inProgress
    public var label: String {
        switch self {
        case .completed: "已完成整改"
        case .basicallyCompleted: "基本完成整改"
        case .onSchedule: "达到序时进度"
        case .behindSchedule: "未达到序时进度"
        case .fullyImplemented: "全面实施"
        case .inProgress: "正在推进整改"
        }
    }
}

extension PublicStatus {
    /// Reads the status words a report writes after 整改进展情况:, e.g. 已完成整改 or
    /// 基本完成整改,长期坚持. Only the leading status phrase counts; nil when none fits.
    public init?(reportedWords text: String) {
        let words = text.trimmingCharacters(in: .whitespaces)
        // Longest label first: 未达到序时进度 contains 达到序时进度.
        let byLength = PublicStatus.allCases.sorted { $0.label.count > $1.label.count }
        let synonyms: [(String, PublicStatus)] = [("按照序时进度", .onSchedule), ("尚未达到序时进度", .behindSchedule),
                                                  ("正在整改", .inProgress), ("完成整改", .completed)]
        if let match = byLength.first(where: { words.hasPrefix($0.label) }) {
            self = match
        } else if let match = synonyms.first(where: { words.hasPrefix($0.0) }) {
            self = match.1
        } else {
            return nil
        }
    }
}

/// 延期申请的状态. Stored as written here; the label is what pages show.
public enum ExtensionStatus: String, Labelled {
    case pending, approved, refused
    public var label: String {
        switch self {
        case .pending: "待审批"
        case .approved: "已同意"
        case .refused: "未同意"
        }
    }
}

/// The verdict recorded with a task entry: an acceptance opinion, a look-back's finding,
/// the answer to an objection, or a planned look-back done.
public enum EntryVerdict: String, Labelled {
    case pass, fail, basicallyComplete, holding, rebound, scheduled, upheld, dismissed, completed
    public var label: String {
        switch self {
        case .pass: "通过"
        case .fail: "不通过"
        case .basicallyComplete: "基本完成"
        case .holding: "巩固"
        case .rebound: "反弹"
        case .scheduled: "已安排"
        case .upheld: "成立"
        case .dismissed: "不成立"
        case .completed: "已完成"
        }
    }
}

/// A unit's report on one task in a dispatch round: in by the due date, after it, or not at all.
public enum RoundRowStatus: String, Labelled {
    case reported, late, missing
    public var label: String {
        switch self {
        case .reported: "已报"
        case .late: "逾期报送"
        case .missing: "未报"
        }
    }
}
