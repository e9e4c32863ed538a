import Foundation

/// 整改方案 as approved (issue 15 §1): the problems and tasks it fixed on its approval
/// date, kept with the plan's version so later changes show against it.
public struct PlanBaseline: Codable, Sendable, Equatable {
    public struct Task: Codable, Sendable, Equatable {
        public let id: Int
        public let number: Int
        public let title: String
        public let deadline: String?
        public let parts: Int

        public init(id: Int, number: Int, title: String, deadline: String?, parts: Int) {
            self.id = id
            self.number = number
            self.title = title
            self.deadline = deadline
            self.parts = parts
        }
    }

    public let problems: Int
    public let tasks: [Task]

    public init(problems: Int, tasks: [Task]) {
        self.problems = problems
        self.tasks = tasks.sorted { ($0.number, $0.id) < ($1.number, $1.id) }
    }
}

/// 核减: a task the approving body took out of the plan, cancelled or merged into another.
public enum PlanWithdrawal: String, Codable, CaseIterable, Sendable {
    case cancelled, merged

    public var label: String { self == .cancelled ? "核减(取消)" : "核减(合并)" }

    /// 2024年3月1日经辽委办发〔2024〕3号批准核减(合并入第12项):原因
    public static func words(_ kind: PlanWithdrawal, intoNumber: Int?, documentNumber: String, approvedOn: LocalDate?, reason: String) -> String {
        let when = approvedOn.map { $0.chinese } ?? ""
        let how = kind == .merged ? "核减(合并入第\(intoNumber.map(String.init) ?? "?")项)" : "核减(取消)"
        return "\(when)经\(documentNumber)批准\(how)" + (reason.isEmpty ? "" : ":\(reason)")
    }
}

/// One difference between the plan as approved and the tasks as they stand.
public struct PlanChange: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, CaseIterable, Sendable {
        /// 举一反三: a task created after the plan was approved.
        case added
        /// A task split into parts for lower levels since approval.
        case split
        /// A deadline moved (an extension granted, or set where there was none).
        case deadlineChanged
        /// 核减, with its approval.
        case withdrawn
        /// In the baseline, no longer among the inspection's tasks.
        case missing

        public var label: String {
            switch self {
            case .added: "新增(举一反三)"
            case .split: "分解"
            case .deadlineChanged: "调整时限"
            case .withdrawn: "核减"
            case .missing: "已不在台账"
            }
        }
    }

    public let kind: Kind
    public let taskID: Int
    public let number: Int
    public let title: String
    /// What it was and what it is, in words (a deadline, a part count, the withdrawal's approval).
    public let before: String?
    public let after: String?

    public init(kind: Kind, taskID: Int, number: Int, title: String, before: String?, after: String?) {
        self.kind = kind
        self.taskID = taskID
        self.number = number
        self.title = title
        self.before = before
        self.after = after
    }

    /// The task as it stands, for comparing with the baseline.
    public struct Current: Sendable, Equatable {
        public let task: PlanBaseline.Task
        /// 核减 with its words (“2024年3月1日 辽整改办〔2024〕3号 合并入第12项”), nil while it stands.
        public let withdrawn: String?

        public init(task: PlanBaseline.Task, withdrawn: String?) {
            self.task = task
            self.withdrawn = withdrawn
        }
    }

    /// Every difference, in task-number order: added, split, deadline, withdrawn, missing.
    public static func between(_ baseline: PlanBaseline, _ current: [Current]) -> [PlanChange] {
        let base = Dictionary(baseline.tasks.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var changes: [PlanChange] = []
        for c in current {
            let t = c.task
            guard let b = base[t.id] else {
                // Withdrawn before this version was approved: not in it, not added to it.
                if c.withdrawn == nil {
                    changes.append(.init(kind: .added, taskID: t.id, number: t.number, title: t.title, before: nil, after: t.deadline))
                }
                continue
            }
            if b.parts == 0, t.parts > 0 {
                changes.append(.init(kind: .split, taskID: t.id, number: t.number, title: t.title, before: nil, after: "分解 \(t.parts) 项"))
            }
            if b.deadline != t.deadline {
                changes.append(.init(kind: .deadlineChanged, taskID: t.id, number: t.number, title: t.title,
                                     before: b.deadline ?? "未定", after: t.deadline ?? "未定"))
            }
            if let w = c.withdrawn {
                changes.append(.init(kind: .withdrawn, taskID: t.id, number: t.number, title: t.title, before: nil, after: w))
            }
        }
        let present = Set(current.map(\.task.id))
        for b in baseline.tasks where !present.contains(b.id) {
            changes.append(.init(kind: .missing, taskID: b.id, number: b.number, title: b.title, before: b.deadline, after: nil))
        }
        let order = Dictionary(Kind.allCases.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        return changes.sorted { ($0.number, $0.taskID, order[$0.kind] ?? 0) < ($1.number, $1.taskID, order[$1.kind] ?? 0) }
    }

    /// 方案确定的58项整改任务(核减1项,新增2项): the count sentence's subject, from the baseline.
    public static func subject(baselineTasks: Int, changes: [PlanChange]) -> String {
        let withdrawn = changes.filter { $0.kind == .withdrawn }.count
        let added = changes.filter { $0.kind == .added }.count
        var notes: [String] = []
        if withdrawn > 0 { notes.append("核减\(withdrawn)项") }
        if added > 0 { notes.append("举一反三新增\(added)项") }
        return "《整改方案》确定的\(baselineTasks)项整改任务" + (notes.isEmpty ? "" : "(" + notes.joined(separator: ",") + ")")
    }
}

/// The count sentence from the approved plan (issue 15 §1): the plan's own tasks counted
/// by status, tasks added since named apart.
public struct PlanFigures: Sendable, Equatable {
    public let documentNumber: String
    public let baselineTasks: Int
    public let counts: [PublicStatus: Int]
    public let added: Int
    /// The plan's tasks withdrawn (核减) since: not counted by status.
    public let withdrawn: Int

    public init(documentNumber: String, baselineTasks: Int, counts: [PublicStatus: Int], added: Int, withdrawn: Int = 0) {
        self.documentNumber = documentNumber
        self.baselineTasks = baselineTasks
        self.counts = counts
        self.added = added
        self.withdrawn = withdrawn
    }

    /// 《整改方案》58项整改任务中,已有13项基本完成整改,…;举一反三新增2项整改任务 — the
    /// published phrasing (seed 004), counting the plan's own tasks.
    public var sentence: String {
        var s = OfficialReport.countSentence(total: baselineTasks, counts: counts)
        if withdrawn > 0, withdrawn <= baselineTasks {
            // 《整改方案》58项整改任务经批准核减1项,其余57项中,已有… — the rest counted by status.
            let rest = OfficialReport.countSentence(total: baselineTasks - withdrawn, counts: counts)
                .replacingOccurrences(of: "《整改方案》\(baselineTasks - withdrawn)项整改任务", with: "")
            s = "《整改方案》\(baselineTasks)项整改任务经批准核减\(withdrawn)项,其余\(baselineTasks - withdrawn)项" + rest
        }
        if added > 0 { s += ";举一反三新增\(added)项整改任务" }
        return s
    }
}
