import Fluent
import Foundation
import RectifyCore
import Vapor

/// 延期申请 (§5), 督办单 (§6), 现场核查 and 公示异议 (§7), 回头看 (§8), 领导批示 (§9).
struct OversightService {
    let lifecycle: LifecycleService
    var db: any Database { lifecycle.db }
    var access: Access { lifecycle.access }
    var today: LocalDate { lifecycle.today }

    func refuse(_ code: String, _ message: String, _ status: HTTPResponseStatus = .forbidden) -> AppError {
        AppError(status: status, code: code, message: message)
    }

    func blank(_ s: String?) -> Bool { (s ?? "").allSatisfy(\.isWhitespace) }

    // MARK: Extensions

    struct NewExtension: Content {
        var deadline: LocalDate
        var reason: String
    }

    struct Decision: Content {
        var approve: Bool
        var note: String?
    }

    func requestExtension(taskID: Int, _ r: NewExtension) async throws -> ExtensionRequest {
        try await db.writeTransaction { tx in
            let view = try await lifecycle.load(taskID, on: tx, expectedVersion: nil)
            guard access.roles.contains(.unit), access.unitRoles(on: view).contains(.responsible), let unitID = access.unitID else {
                throw refuse("extension.forbidden", "只有任务的责任单位可以申请延期")
            }
            let task = view.task
            guard task.state.isOpen, ![.accepted, .publicNotice].contains(task.state) else {
                throw refuse("extension.taskNotOpen", "任务已完成,无需延期", .conflict)
            }
            var v: [Violation] = []
            if task.kind == .longTerm { v.append(.init("extension.longTerm", field: "deadline", "长期坚持类任务没有整改时限,无需延期")) }
            if let current = task.deadline.flatMap(LocalDate.init(iso:)), r.deadline <= current {
                v.append(.init("extension.notLater", field: "deadline", "申请的时限应晚于现时限(\(current.chinese))"))
            }
            if blank(r.reason) { v.append(.init("extension.reasonRequired", field: "reason", "请说明延期理由")) }
            let pending = try await ExtensionRequest.query(on: tx).filter(\.$task.$id == taskID)
                .filter(\.$status == ExtensionStatus.pending).count()
            if pending > 0 { v.append(.init("extension.pending", field: "deadline", "该任务已有待审批的延期申请")) }
            try v.throwIfAny()
            let e = ExtensionRequest()
            e.$task.id = taskID
            e.$unit.id = unitID
            e.$requestedBy.id = access.userID
            e.previousDeadline = task.deadline
            e.requestedDeadline = r.deadline.iso
            e.reason = r.reason
            e.status = ExtensionStatus.pending
            e.requestedAt = lifecycle.clock.now()
            try await e.create(on: tx)
            try await Audit.record(on: tx, actor: access.auditActor, action: .extensionRequest, recordType: "extension_request",
                                   recordID: try e.requireID(), taskID: taskID, before: Optional<String>.none,
                                   after: ["deadline": r.deadline.iso, "reason": r.reason], now: e.requestedAt)
            return e
        }
    }

    func decideExtension(_ id: Int, _ d: Decision) async throws -> ExtensionRequest {
        try await db.writeTransaction { tx in
            guard let e = try await ExtensionRequest.find(id, on: tx) else { throw AppError.notFound }
            let view = try await lifecycle.load(e.$task.id, on: tx, expectedVersion: nil)
            guard access.isOffice(over: view) else { throw refuse("extension.decideForbidden", "只有本地区整改办可以审批延期") }
            guard e.status == .pending else {
                throw refuse("extension.decided", "该申请已审批", .conflict)
            }
            if !d.approve, blank(d.note) {
                throw ValidationFailure([.init("extension.noteRequired", field: "note", "不同意延期须说明理由")])
            }
            e.status = d.approve ? .approved : .refused
            e.$decidedBy.id = access.userID
            e.decidedAt = lifecycle.clock.now()
            e.decisionNote = d.note
            try await e.save(on: tx)
            try await Audit.record(on: tx, actor: access.auditActor, action: AuditAction(decided: e.status), recordType: "extension_request",
                                   recordID: id, taskID: e.$task.id, before: ["status": "pending"],
                                   after: ["status": e.status.rawValue, "note": d.note ?? ""], now: e.decidedAt ?? lifecycle.clock.now())
            if d.approve {
                // The original deadline stays on record in task.originalDeadline and on each request.
                let task = view.task
                let before = TaskSnapshot(task)
                task.deadline = e.requestedDeadline
                try await lifecycle.commit(task, before: before, action: .deadlineExtended, on: tx)
            }
            let requested = LocalDate(iso: e.requestedDeadline)?.chinese ?? e.requestedDeadline
            try await Notifier.emit(NotificationEvent(
                kind: .extensionDecided, title: "\(Notifier.taskLine(view.task)):延期申请\(d.approve ? "已同意" : "未同意")",
                body: d.approve ? "整改时限延至 \(requested)。" : "申请延至 \(requested) 未获同意:\(d.note ?? "")",
                link: SiteURL.task(view.id).path, taskID: view.id, regionCode: view.task.regionCode,
                dedupe: "extensionDecided:\(id)",
                recipients: try await Notifier.users(ofUnits: [e.$unit.id], role: .unit, on: tx)), on: tx, now: lifecycle.clock.now())
            return e
        }
    }

    // MARK: Supervision orders

    enum Level: String, Labelled {
        case reminder, order, listed, summons, circular
        var label: String {
            switch self {
            case .reminder: "催办"
            case .order: "督办"
            case .listed: "挂牌督办"
            case .summons: "约谈"
            case .circular: "通报"
            }
        }
    }

    struct NewOrder: Content {
        var unitID: Int
        var taskIDs: [Int]
        var level: Level
        var reason: String
        var replyBy: LocalDate
    }

    struct Reply: Content {
        var text: String
    }

    /// 督办〔2024〕12号
    static func number(_ o: SupervisionOrder) -> String { number(year: o.year, seq: o.seq) }
    static func number(year: Int, seq: Int) -> String { "督办〔\(year)〕\(seq)号" }

    func issueOrder(_ r: NewOrder) async throws -> SupervisionOrder {
        try await db.writeTransaction { tx in
            guard !r.taskIDs.isEmpty else {
                throw ValidationFailure([.init("order.tasksRequired", field: "taskIDs", "督办单至少涉及一项任务")])
            }
            var region: Int?
            // Newest first: a part is always newer than the task it was split from, so rows are
            // locked deepest first, as every other writer takes them.
            for id in Set(r.taskIDs).sorted(by: >) {
                let view = try await lifecycle.load(id, on: tx, expectedVersion: nil)
                guard access.isOffice(over: view) else { throw refuse("order.forbidden", "只有本地区整改办可以下发督办单") }
                guard view.assignments.contains(where: { $0.unitID == r.unitID }) else {
                    throw ValidationFailure([.init("order.unitNotAssigned", field: "unitID", "被督办单位未承担任务 \(view.task.displayCode)")])
                }
                region = region ?? view.task.regionCode
            }
            var v: [Violation] = []
            if blank(r.reason) { v.append(.init("order.reasonRequired", field: "reason", "请填写督办事由")) }
            if r.replyBy < today { v.append(.init("order.replyByPast", field: "replyBy", "回复期限不得早于今天")) }
            try v.throwIfAny()
            // Numbered per office and year: the office's own region (an admin's: the tasks').
            let office = access.isAdmin ? (region ?? 0) : (access.regionCode ?? 0)
            let last = try await SupervisionOrder.query(on: tx).filter(\.$region.$id == office)
                .filter(\.$year == today.year).sort(\.$seq, .descending).first()
            let o = SupervisionOrder()
            o.$region.id = office
            o.year = today.year
            o.seq = (last?.seq ?? 0) + 1
            o.level = r.level
            o.$unit.id = r.unitID
            o.reason = r.reason
            o.replyBy = r.replyBy.iso
            o.$issuedBy.id = access.userID
            o.issuedAt = lifecycle.clock.now()
            try await o.create(on: tx)
            for id in Set(r.taskIDs).sorted() {
                let link = SupervisionOrderTask()
                link.$order.id = try o.requireID()
                link.$task.id = id
                try await link.create(on: tx)
            }
            try await Audit.record(on: tx, actor: access.auditActor, action: .orderIssue, recordType: "supervision_order",
                                   recordID: o.id!, taskID: r.taskIDs.count == 1 ? r.taskIDs[0] : nil,
                                   before: Optional<String>.none,
                                   after: ["number": Self.number(o), "level": r.level.rawValue, "tasks": r.taskIDs.map(String.init).joined(separator: ",")],
                                   now: o.issuedAt)
            try await Notifier.emit(NotificationEvent(
                kind: .orderReceived, title: "收到\(r.level.label)单 \(Self.number(o))",
                body: "事由:\(r.reason)。请于 \(r.replyBy.chinese) 前答复。",
                link: SiteURL.orders.path, taskID: r.taskIDs.count == 1 ? r.taskIDs[0] : nil, regionCode: region,
                dedupe: "orderReceived:\(o.id ?? 0)",
                recipients: try await Notifier.users(ofUnits: [r.unitID], role: .unit, on: tx)), on: tx, now: o.issuedAt)
            return o
        }
    }

    func loadOrder(_ id: Int, on tx: any Database) async throws -> SupervisionOrder {
        guard let o = try await SupervisionOrder.find(id, on: tx) else { throw AppError.notFound }
        let mine = access.unitID == o.$unit.id && access.roles.contains(.unit)
        let overseer = access.oversees([o.$region.id], as: .office) || access.oversees([o.$region.id], as: .leader)
        if !(mine || overseer) { throw AppError.notFound }
        return o
    }

    func replyOrder(_ id: Int, _ r: Reply) async throws -> SupervisionOrder {
        try await db.writeTransaction { tx in
            let o = try await loadOrder(id, on: tx)
            guard access.unitID == o.$unit.id, access.roles.contains(.unit) else {
                throw refuse("order.replyForbidden", "只有被督办单位可以回复督办单")
            }
            guard o.closedAt == nil else { throw refuse("order.closed", "督办单已办结", .conflict) }
            if blank(r.text) { throw ValidationFailure([.init("order.replyRequired", field: "text", "请填写回复内容")]) }
            o.replyText = r.text
            o.$repliedBy.id = access.userID
            o.repliedAt = lifecycle.clock.now()
            try await o.save(on: tx)
            try await Audit.record(on: tx, actor: access.auditActor, action: .orderReply, recordType: "supervision_order",
                                   recordID: id, taskID: nil, before: Optional<String>.none, after: ["reply": r.text], now: o.repliedAt!)
            return o
        }
    }

    func closeOrder(_ id: Int) async throws -> SupervisionOrder {
        try await db.writeTransaction { tx in
            let o = try await loadOrder(id, on: tx)
            guard access.oversees([o.$region.id], as: .office) else { throw refuse("order.closeForbidden", "只有下发督办单的整改办可以办结") }
            guard o.closedAt == nil else { throw refuse("order.closed", "督办单已办结", .conflict) }
            guard o.repliedAt != nil else { throw refuse("order.noReply", "被督办单位尚未回复,不能办结", .conflict) }
            o.$closedBy.id = access.userID
            o.closedAt = lifecycle.clock.now()
            try await o.save(on: tx)
            try await Audit.record(on: tx, actor: access.auditActor, action: .orderClose, recordType: "supervision_order",
                                   recordID: id, taskID: nil, before: Optional<String>.none, after: ["closed": true], now: o.closedAt!)
            return o
        }
    }

    // MARK: Entries

    struct NewVerification: Content {
        var date: LocalDate
        var people: String
        var findings: String
    }

    struct NewObjection: Content {
        var receivedOn: LocalDate
        var content: String
    }

    struct Answer: Content {
        var answer: String
        /// True when the objection stands: the task goes back to rectification.
        var upheld: Bool
    }

    struct NewLookBack: Content {
        /// When it was done; for "scheduled", when it is planned.
        var date: LocalDate?
        /// "holding" (巩固) or "rebound" (反弹), or "scheduled" to plan one.
        var result: String
        var findings: String
        var people: String?
    }

    struct NewInstruction: Content {
        var text: String
    }

    func entry(_ view: TaskView, _ kind: TaskEntryKind, text: String, onDate: String? = nil, people: String = "",
               verdict: EntryVerdict? = nil, parentID: Int? = nil, on tx: any Database) async throws -> TaskEntry {
        let now = lifecycle.clock.now()
        let e = TaskEntry(taskID: view.id, kind: kind, userID: access.userID, text: text, onDate: onDate,
                          people: people, verdict: verdict, parentID: parentID, now: now)
        try await e.create(on: tx)
        try await Audit.record(on: tx, actor: access.auditActor, action: AuditAction(kind), recordType: "task_entry",
                               recordID: try e.requireID(), taskID: view.id, before: Optional<String>.none,
                               after: ["text": text, "date": onDate ?? "", "people": people, "verdict": verdict?.rawValue ?? ""], now: now)
        return e
    }

    func recordVerification(taskID: Int, _ r: NewVerification) async throws -> TaskEntry {
        try await db.writeTransaction { tx in
            let view = try await lifecycle.load(taskID, on: tx, expectedVersion: nil)
            let acceptor = access.roles.contains(.acceptor) && access.unitRoles(on: view).contains(.acceptance)
            guard access.isOffice(over: view) || acceptor else {
                throw refuse("verification.forbidden", "只有整改办或验收单位可以记录现场核查")
            }
            var v: [Violation] = []
            if blank(r.people) { v.append(.init("verification.peopleRequired", field: "people", "请填写核查人员")) }
            if blank(r.findings) { v.append(.init("verification.findingsRequired", field: "findings", "请填写核查发现")) }
            if r.date > today { v.append(.init("verification.future", field: "date", "核查日期不得晚于今天")) }
            try v.throwIfAny()
            return try await entry(view, .verification, text: r.findings, onDate: r.date.iso, people: r.people, on: tx)
        }
    }

    func recordObjection(noticeID: Int, _ r: NewObjection) async throws -> TaskEntry {
        try await db.writeTransaction { tx in
            guard let notice = try await TaskEntry.find(noticeID, on: tx), notice.kind == .notice else { throw AppError.notFound }
            let view = try await lifecycle.load(notice.$task.id, on: tx, expectedVersion: nil)
            guard access.isOffice(over: view) else { throw refuse("objection.forbidden", "只有整改办可以登记公示异议") }
            guard view.task.state == .publicNotice else {
                throw refuse("objection.noticeOver", "该任务不在公示期内", .conflict)
            }
            var v: [Violation] = []
            if blank(r.content) { v.append(.init("objection.contentRequired", field: "content", "请填写异议内容")) }
            if let start = notice.onDate.flatMap(LocalDate.init(iso:)), let end = notice.untilDate.flatMap(LocalDate.init(iso:)),
               !(start <= r.receivedOn && r.receivedOn <= end) {
                v.append(.init("objection.outsideNotice", field: "receivedOn", "异议须在公示期(\(start.chinese)至\(end.chinese))内提出"))
            }
            try v.throwIfAny()
            return try await entry(view, .objection, text: r.content, onDate: r.receivedOn.iso, parentID: noticeID, on: tx)
        }
    }

    func answerObjection(_ id: Int, _ a: Answer) async throws -> TaskEntry {
        let objection: TaskEntry = try await db.writeTransaction { tx in
            guard let o = try await TaskEntry.find(id, on: tx), o.kind == .objection else { throw AppError.notFound }
            let view = try await lifecycle.load(o.$task.id, on: tx, expectedVersion: nil)
            guard access.isOffice(over: view) else { throw refuse("objection.answerForbidden", "只有整改办可以答复公示异议") }
            guard o.answeredAt == nil else { throw refuse("objection.answered", "该异议已答复", .conflict) }
            if blank(a.answer) { throw ValidationFailure([.init("objection.answerRequired", field: "answer", "请填写答复内容")]) }
            o.answer = a.answer
            o.verdict = (a.upheld ? EntryVerdict.upheld : .dismissed)
            o.$answeredBy.id = access.userID
            o.answeredAt = lifecycle.clock.now()
            try await o.save(on: tx)
            try await Audit.record(on: tx, actor: access.auditActor, action: .objectionAnswer, recordType: "task_entry",
                                   recordID: id, taskID: view.id, before: Optional<String>.none,
                                   after: ["answer": a.answer, "upheld": a.upheld ? "true" : "false"], now: o.answeredAt!)
            if a.upheld {
                // Same transaction: an upheld objection sends the task back.
                try await lifecycle.perform(.upholdObjection, taskID: view.id, payload: .init(opinion: a.answer), in: tx)
            }
            return o
        }
        return objection
    }

    /// Whether a task is one look-backs are for: closed, or basically complete and still watched.
    static func underLookBack(_ t: TaskRecord) -> Bool {
        t.state == .closed || (t.basicallyCompleted && [.accepted, .publicNotice].contains(t.state))
    }

    /// Marks the earliest scheduled look-back of a task as done.
    func completeScheduled(taskID: Int, on tx: any Database) async throws {
        guard let planned = try await TaskEntry.query(on: tx).filter(\.$task.$id == taskID)
            .filter(\.$kind == TaskEntryKind.lookBack).filter(\.$verdict == EntryVerdict.scheduled)
            .sort(\.$onDate).first() else { return }
        planned.verdict = .completed
        planned.$answeredBy.id = access.userID
        planned.answeredAt = lifecycle.clock.now()
        try await planned.save(on: tx)
        try await Audit.record(on: tx, actor: access.auditActor, action: .lookBackCompleted, recordType: "task_entry",
                               recordID: planned.id!, taskID: taskID, before: ["verdict": "scheduled"],
                               after: ["verdict": EntryVerdict.completed.rawValue], now: planned.answeredAt ?? lifecycle.clock.now())
    }

    func recordLookBack(taskID: Int, _ r: NewLookBack) async throws -> TaskEntry? {
        switch r.result {
        case "scheduled":
            return try await db.writeTransaction { tx in
                let view = try await lifecycle.load(taskID, on: tx, expectedVersion: nil)
                guard access.isOffice(over: view) else { throw refuse("lifecycle.forbidden", "只有本地区整改办可以安排回头看") }
                guard Self.underLookBack(view.task) else {
                    throw refuse("lookBack.notClosed", "只有已销号或基本完成的任务需要回头看", .conflict)
                }
                guard let date = r.date, date >= today else {
                    throw ValidationFailure([.init("lookBack.dateRequired", field: "date", "请填写不早于今天的计划日期")])
                }
                return try await entry(view, .lookBack, text: r.findings, onDate: date.iso, people: r.people ?? "",
                                       verdict: .scheduled, on: tx)
            }
        case "rebound":
            return try await db.writeTransaction { tx in
                try await lifecycle.perform(.lookBackRebound, taskID: taskID,
                                            payload: .init(findings: r.findings, people: r.people), in: tx)
                try await completeScheduled(taskID: taskID, on: tx)
                return try await TaskEntry.query(on: tx).filter(\.$task.$id == taskID)
                    .filter(\.$kind == TaskEntryKind.lookBack).filter(\.$verdict == EntryVerdict.rebound)
                    .sort(\.$id, .descending).first()
            }
        case "holding":
            return try await db.writeTransaction { tx in
                let view = try await lifecycle.load(taskID, on: tx, expectedVersion: nil)
                guard access.isOffice(over: view) else { throw refuse("lifecycle.forbidden", "只有本地区整改办可以记录回头看") }
                guard Self.underLookBack(view.task) else {
                    throw refuse("lookBack.notClosed", "只有已销号或基本完成的任务需要回头看", .conflict)
                }
                if blank(r.findings) { throw ValidationFailure([.init("lifecycle.findingsRequired", field: "findings", "请填写回头看核查发现")]) }
                let done = try await entry(view, .lookBack, text: r.findings, onDate: (r.date ?? today).iso,
                                           people: r.people ?? "", verdict: .holding, on: tx)
                try await completeScheduled(taskID: taskID, on: tx)
                return done
            }
        default:
            throw ValidationFailure([.init("lookBack.resultInvalid", field: "result",
                                           "回头看结果应为 holding(巩固)、rebound(反弹),或用 scheduled 安排回头看")])
        }
    }

    func recordInstruction(taskID: Int, _ r: NewInstruction) async throws -> TaskEntry {
        try await db.writeTransaction { tx in
            let view = try await lifecycle.load(taskID, on: tx, expectedVersion: nil)
            guard access.roles.contains(.leader), access.oversees(view.regionCodes, as: .leader) else {
                throw refuse("instruction.forbidden", "只有本地区领导可以作出批示")
            }
            if blank(r.text) { throw ValidationFailure([.init("instruction.textRequired", field: "text", "请填写批示内容")]) }
            return try await entry(view, .instruction, text: r.text, on: tx)
        }
    }
}
