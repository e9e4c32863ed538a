/// What a user submits to create or change a record, before it is stored. Each
/// draft checks itself and returns every violation at once, in Chinese, with a
/// stable code per rule (issue 2 §2). Nothing that fails here reaches the database.

public struct InspectionDraft: Sendable, Codable, Equatable {
    public var title: String
    public var level: InspectionLevel
    /// 第N轮; nil where the source does not say.
    public var round: Int?
    public var kind: InspectionKind
    public var team: String
    public var targetRegionCode: Int
    public var stationedFrom: LocalDate?
    public var stationedUntil: LocalDate?
    public var feedbackDate: LocalDate?
    public var planApprovedDate: LocalDate?

    public init(title: String, level: InspectionLevel, round: Int?, kind: InspectionKind, team: String,
                targetRegionCode: Int, stationedFrom: LocalDate? = nil, stationedUntil: LocalDate? = nil,
                feedbackDate: LocalDate? = nil, planApprovedDate: LocalDate? = nil) {
        self.title = title
        self.level = level
        self.round = round
        self.kind = kind
        self.team = team
        self.targetRegionCode = targetRegionCode
        self.stationedFrom = stationedFrom
        self.stationedUntil = stationedUntil
        self.feedbackDate = feedbackDate
        self.planApprovedDate = planApprovedDate
    }

    /// `regionExists` answers whether a region code is known.
    public func violations(regionExists: (Int) -> Bool) -> [Violation] {
        var v: [Violation] = []
        if isBlank(title) {
            v.append(.init("inspection.titleRequired", field: "title", "请填写督察名称"))
        }
        if isBlank(team) {
            v.append(.init("inspection.teamRequired", field: "team", "请填写督察组名称"))
        }
        if let round, !(1...99).contains(round) {
            v.append(.init("inspection.roundInvalid", field: "round", "督察轮次应为 1 至 99 的整数"))
        }
        if !regionExists(targetRegionCode) {
            v.append(.init("inspection.regionUnknown", field: "targetRegionCode",
                           "被督察地区代码 \(targetRegionCode) 不存在"))
        }
        if let from = stationedFrom, let until = stationedUntil, until < from {
            v.append(.init("inspection.stationedUntilBeforeFrom", field: "stationedUntil",
                           "进驻结束日期(\(until.chinese))不得早于进驻开始日期(\(from.chinese))"))
        }
        if stationedFrom == nil, stationedUntil != nil {
            v.append(.init("inspection.stationedFromRequired", field: "stationedFrom",
                           "填写了进驻结束日期时,也须填写进驻开始日期"))
        }
        if let from = stationedFrom, let feedback = feedbackDate, feedback < from {
            v.append(.init("inspection.feedbackBeforeStationed", field: "feedbackDate",
                           "反馈日期(\(feedback.chinese))不得早于进驻开始日期(\(from.chinese))"))
        }
        if let feedback = feedbackDate, let approved = planApprovedDate, approved < feedback {
            v.append(.init("inspection.planApprovedBeforeFeedback", field: "planApprovedDate",
                           "整改方案批准日期(\(approved.chinese))不得早于反馈日期(\(feedback.chinese))"))
        }
        return v
    }
}

public struct ProblemDraft: Sendable, Codable, Equatable {
    public var number: Int
    public var aspect: String
    public var text: String
    public var regionCodes: [Int]

    public init(number: Int, aspect: String = "", text: String, regionCodes: [Int] = []) {
        self.number = number
        self.aspect = aspect
        self.text = text
        self.regionCodes = regionCodes
    }

    /// The aspect and the regions may be left out, as the office's page form does (it asks only
    /// for the number and the words): without this the page could add no problem at all.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        number = try c.decode(Int.self, forKey: .number)
        aspect = try c.decodeIfPresent(String.self, forKey: .aspect) ?? ""
        text = try c.decode(String.self, forKey: .text)
        regionCodes = try c.decodeIfPresent([Int].self, forKey: .regionCodes) ?? []
    }

    /// `existingNumbers`: numbers other problems of the same inspection already use.
    public func violations(existingNumbers: Set<Int>, regionExists: (Int) -> Bool) -> [Violation] {
        var v: [Violation] = []
        if !(1...9999).contains(number) {
            v.append(.init("problem.numberInvalid", field: "number", "问题编号应为 1 至 9999 的整数"))
        } else if existingNumbers.contains(number) {
            v.append(.init("problem.numberDuplicate", field: "number",
                           "本次督察已有编号为“\(ChineseNumeral.string(number)!)”的反馈问题"))
        }
        if isBlank(text) {
            v.append(.init("problem.textRequired", field: "text", "请填写问题内容"))
        }
        for code in regionCodes where !regionExists(code) {
            v.append(.init("problem.regionUnknown", field: "regionCodes", "涉及地区代码 \(code) 不存在"))
        }
        return v
    }
}

public struct Milestone: Sendable, Codable, Hashable {
    public var date: LocalDate
    public var description: String
    public init(date: LocalDate, description: String) {
        self.date = date
        self.description = description
    }
}

public struct UnitAssignment: Sendable, Codable, Hashable {
    public var unitID: Int
    public var role: UnitRole
    public init(unitID: Int, role: UnitRole) {
        self.unitID = unitID
        self.role = role
    }
}

public struct TaskDraft: Sendable, Codable, Equatable {
    public var number: Int
    public var title: String
    public var target: String
    public var measures: String
    public var kind: TaskKind
    public var deadline: LocalDate?
    public var leadOfficial: String
    public var problemIDs: [Int]
    public var assignments: [UnitAssignment]
    public var milestones: [Milestone]
    public var tags: [DomainTag]
    public var typical: Bool
    public var parentTaskID: Int?
    /// 完成情况 as the ledger records it; nil until first assessed.
    public var progressStatus: PublicStatus?

    public init(number: Int, title: String, target: String = "", measures: String = "",
                kind: TaskKind, deadline: LocalDate?, leadOfficial: String = "",
                problemIDs: [Int] = [], assignments: [UnitAssignment], milestones: [Milestone] = [],
                tags: [DomainTag] = [], typical: Bool = false, parentTaskID: Int? = nil,
                progressStatus: PublicStatus? = nil) {
        self.number = number
        self.title = title
        self.target = target
        self.measures = measures
        self.kind = kind
        self.deadline = deadline
        self.leadOfficial = leadOfficial
        self.problemIDs = problemIDs
        self.assignments = assignments
        self.milestones = milestones
        self.tags = tags
        self.typical = typical
        self.parentTaskID = parentTaskID
        self.progressStatus = progressStatus
    }

    /// `existingNumbers`: numbers other tasks of the same inspection already use.
    /// `unitExists` / `problemBelongs` answer from the store.
    public func violations(existingNumbers: Set<Int>,
                           unitExists: (Int) -> Bool = { _ in true },
                           problemBelongs: (Int) -> Bool = { _ in true }) -> [Violation] {
        var v: [Violation] = []
        if !(1...99_999).contains(number) {
            v.append(.init("task.numberInvalid", field: "number", "任务编号应为 1 至 99999 的整数"))
        } else if existingNumbers.contains(number) {
            v.append(.init("task.numberDuplicate", field: "number", "本次督察已有编号为 \(number) 的整改任务"))
        }
        if isBlank(title) {
            v.append(.init("task.titleRequired", field: "title", "请填写整改任务名称"))
        }
        if !assignments.contains(where: { $0.role == .responsible }) {
            v.append(.init("task.responsibleUnitRequired", field: "assignments", "整改任务至少需要一个责任单位"))
        }
        if Set(assignments).count != assignments.count {
            v.append(.init("task.assignmentDuplicate", field: "assignments", "同一单位以同一身份重复出现"))
        }
        for a in assignments where !unitExists(a.unitID) {
            v.append(.init("task.unitUnknown", field: "assignments", "单位编号 \(a.unitID) 不存在"))
        }
        for p in problemIDs where !problemBelongs(p) {
            v.append(.init("task.problemUnknown", field: "problemIDs", "反馈问题编号 \(p) 不属于本次督察"))
        }
        switch (kind, deadline) {
        case (.longTerm, _):
            break
        case (_, nil):
            v.append(.init("task.deadlineRequired", field: "deadline", "除长期坚持的任务外,必须填写整改时限"))
        case (_, .some(let deadline)):
            for m in milestones where m.date > deadline {
                v.append(.init("task.milestoneAfterDeadline", field: "milestones",
                               "阶段目标“\(m.description)”的时间(\(m.date.chinese))晚于整改时限(\(deadline.chinese))"))
            }
        }
        for m in milestones where isBlank(m.description) {
            v.append(.init("task.milestoneDescriptionRequired", field: "milestones",
                           "\(m.date.chinese)的阶段目标缺少内容"))
        }
        return v
    }
}

public struct UnitDraft: Sendable, Codable, Equatable {
    public var name: String
    public var kind: UnitKind
    public var regionCode: Int
    public var parentUnitID: Int?

    public init(name: String, kind: UnitKind, regionCode: Int, parentUnitID: Int? = nil) {
        self.name = name
        self.kind = kind
        self.regionCode = regionCode
        self.parentUnitID = parentUnitID
    }

    public func violations(regionExists: (Int) -> Bool, nameTaken: Bool) -> [Violation] {
        var v: [Violation] = []
        if isBlank(name) {
            v.append(.init("unit.nameRequired", field: "name", "请填写单位名称"))
        } else if nameTaken {
            v.append(.init("unit.nameTaken", field: "name", "已有名为“\(name)”的单位"))
        }
        if !regionExists(regionCode) {
            v.append(.init("unit.regionUnknown", field: "regionCode", "地区代码 \(regionCode) 不存在"))
        }
        return v
    }
}

/// Rules for accounts. Passwords are checked here and hashed by the server; they
/// are never stored or logged in clear.
public enum AccountRules {
    public static let minimumPasswordLength = 8

    public static func loginViolations(_ login: String) -> [Violation] {
        let allowed = login.unicodeScalars.allSatisfy {
            isASCIIAlphanumeric($0) || "._-".unicodeScalars.contains($0)
        }
        if login.count < 2 || login.count > 40 || !allowed {
            return [.init("user.loginInvalid", field: "login", "登录名应为 2 至 40 个英文字母、数字或 . _ -")]
        }
        return []
    }

    public static func passwordViolations(_ password: String) -> [Violation] {
        password.count < minimumPasswordLength
            ? [.init("user.passwordTooShort", field: "password", "密码至少需要 \(minimumPasswordLength) 个字符")]
            : []
    }
}

func isASCIIAlphanumeric(_ s: Unicode.Scalar) -> Bool {
    switch s.value {
    case 48...57, 65...90, 97...122: true
    default: false
    }
}
