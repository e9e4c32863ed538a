import Fluent
import Vapor
import RectifyCore
import RectifyOffice

enum TaskAPI {
    static func list(req: Request) async throws -> LedgerQuery.Page<LedgerQuery.Row> {
        let filter: LedgerQuery.Filter
        filter = try LedgerQuery.Filter.decode(from: req)
        return try await LedgerQuery(access: try await req.access()).cachedList(filter, req: req).0
    }

    struct Detail: Content {
        struct Unit: Content { let id: Int; let name: String; let role: UnitRole }
        struct MilestoneOut: Content { let id: Int; let date: String; let description: String; let reachedOn: String? }
        let id: Int
        let inspectionID: Int
        let number: Int
        let title: String
        let target: String
        let measures: String
        let kind: TaskKind
        let state: TaskState
        let deadline: String?
        let originalDeadline: String?
        let leadOfficial: String
        let typical: Bool
        let basicallyCompleted: Bool
        let reboundCount: Int
        let light: WarningLight?
        let lightSince: String?
        let scheduleReason: String?
        /// As in the ledger's list (the stored status, kept true for today).
        let progressStatus: PublicStatus?
        /// The words a report prints for it (e.g. 达到序时进度,长期坚持).
        let publicStatus: String
        let regionCode: Int?
        let assignedOn: String?
        let version: Int
        let units: [Unit]
        let milestones: [MilestoneOut]
        /// The actions this user may take now.
        let allowedActions: [TaskAction]
        /// The number people read: 22, or 22-3 for the third sub-task split from task 22.
        let code: String
        /// The task this one was split from (issue 14).
        let parentTaskID: Int?
        /// Its latest accepted report's percentage; for a split task, its sub-tasks' (`Rollup`).
        let percent: Int?
        /// Sub-tasks split from it, and how many are not yet closed (the roll-up counts all).
        let subtasksTotal: Int
        let subtasksOpen: Int
        /// Those sub-tasks this user may read.
        let subtasks: [Subtask]
        /// Its inspection's acceptance steps that apply to it (empty: one step), and how many it
        /// has passed since it was submitted (issue 14 §2).
        let acceptanceSteps: [AcceptanceStep]
        let acceptanceStepsPassed: Int

        struct Subtask: Content {
            let id: Int
            let code: String
            let title: String
            let regionCode: Int?
            let deadline: String?
            let state: TaskState
            let light: WarningLight?
            let progressStatus: PublicStatus?
            let percent: Int?
        }
    }

    /// GET /api/v1/tasks/{id}: the same sheet the task page reads.
    static func detail(req: Request) async throws -> Detail {
        try await detail(try req.intParameter("id"), req: req)
    }

    static func detail(_ id: Int, req: Request) async throws -> Detail {
        let sheet = try await TaskQueries.sheet(id, access: try await req.access(), on: req.db)
        return TaskQueries.detail(sheet, today: req.application.clock.today)
    }

    struct TimelineEntry: Content {
        let at: String
        let who: String
        let action: String
        let recordType: String
        let recordID: Int
        let before: String?
        let after: String?
    }

    /// Everything that happened to the task, from its audit events.
    static func timeline(req: Request) async throws -> Paged<TimelineEntry> {
        let (view, _) = try await req.readableTask(try req.intParameter("id"))
        return try await AuditEvent.query(on: req.db).filter(\.$taskID == view.id).sort(\.$id).paged(req) {
            TimelineEntry(at: $0.at, who: $0.userName, action: $0.action, recordType: $0.recordType,
                          recordID: $0.recordID, before: $0.beforeJSON, after: $0.afterJSON)
        }
    }

    struct DueLookBack: Content {
        let id: Int
        let taskID: Int
        let plannedOn: String?
    }

    /// Scheduled look-backs not yet done, earliest first, in the office's scope.
    static func dueLookBacks(req: Request) async throws -> Paged<DueLookBack> {
        let access = try await req.access()
        guard access.isAdmin || access.roles.contains(.office) else { throw AppError.forbidden }
        var query = TaskEntry.query(on: req.db).join(TaskRecord.self, on: \TaskEntry.$task.$id == \TaskRecord.$id)
            .filter(\.$kind == TaskEntryKind.lookBack).filter(\.$verdict == EntryVerdict.scheduled)
        if !access.isAdmin, let range = access.oversight {
            query = query.filter(TaskRecord.self, \.$regionCode >= range.lowerBound).filter(TaskRecord.self, \.$regionCode <= range.upperBound)
        }
        return try await query.sort(\.$onDate).sort(\.$id).paged(req) {
            DueLookBack(id: $0.id!, taskID: $0.$task.id, plannedOn: $0.onDate)
        }
    }

    struct Edit: Content {
        var version: Int
        var title: String?
        var target: String?
        var measures: String?
        var leadOfficial: String?
    }

    /// Edits the plan fields of a task (office only); a stale version is a conflict.
    static func edit(req: Request) async throws -> Detail {
        let e = try req.decodeBody(Edit.self)
        let lifecycle = try await req.lifecycle()
        let id = try req.intParameter("id")
        try await req.db.writeTransaction { tx in
            let view = try await lifecycle.load(id, on: tx, expectedVersion: nil)
            guard lifecycle.access.isOffice(over: view) else { throw AppError.forbidden }
            guard e.version == view.task.version else { throw try await Conflict.error(for: view.task, on: tx) }
            if let title = e.title, title.allSatisfy(\.isWhitespace) {
                throw ValidationFailure([.init("task.titleRequired", field: "title", "请填写整改任务名称")])
            }
            let t = view.task
            let before = TaskSnapshot(t)
            if let v = e.title { t.title = v }
            if let v = e.target { t.target = v }
            if let v = e.measures { t.measures = v }
            if let v = e.leadOfficial { t.leadOfficial = v }
            let scoped = LifecycleService(db: tx, access: lifecycle.access, clock: lifecycle.clock)
            try await scoped.commit(t, before: before, action: .taskEdit, on: tx)
        }
        return try await detail(req: req)
    }

    /// GET /api/v1/tasks/{id}/lineage: the task's problems found before or since (issue 14 §4).
    static func lineage(req: Request) async throws -> Paged<TaskQueries.Records.Lineage> {
        let (view, access) = try await req.readableTask(try req.intParameter("id"))
        let all = try await TaskQueries.lineage(view.id, access: access, on: req.db).map { l in
            // A task the reader may not open is named by its number only.
            l.readable == 1 ? l : TaskQueries.Records.Lineage(
                dir: l.dir, linkID: l.linkID, kind: l.kind, note: l.note, mine: l.mine, otherNumber: l.otherNumber,
                otherText: l.otherText, inspectionID: l.inspectionID, inspectionTitle: l.inspectionTitle,
                feedbackDate: l.feedbackDate, taskID: nil, taskCode: l.taskCode, taskTitle: nil, taskState: nil,
                taskStatus: nil, readable: l.readable)
        }
        return Paged(items: all, page: 1, per: max(all.count, 1), total: all.count)
    }

    /// POST /api/v1/problems/{id}/links: links a problem to an earlier inspection's problem.
    static func linkProblem(req: Request) async throws -> Response {
        let body = try req.decodeBody(LineageService.NewLink.self)
        let link = try await LineageService(db: req.db, access: try await req.access(), clock: req.application.clock)
            .link(problemID: try req.intParameter("id"), body)
        return try await Recorded(id: try link.requireID()).encodeResponse(status: .created, for: req)
    }

    /// GET /api/v1/tasks/{id}/acceptances/{entry}/document: one acceptance step's 验收意见书.
    static func acceptanceDocument(req: Request) async throws -> Response {
        let (view, _) = try await req.readableTask(try req.intParameter("id"))
        guard let entryID = req.parameters.get("entry").flatMap(Int.init),
              let entry = try await TaskEntry.query(on: req.db).filter(\.$id == entryID).filter(\.$task.$id == view.id)
                .filter(\.$kind == .acceptance).with(\.$user).first() else { throw AppError.notFound }
        let t = view.task
        let step = entry.step ?? "验收"
        let verdict = entry.verdict?.label ?? ""
        let paragraphs: [DOCXDocument.Paragraph] = [
            .init(.title, "\(step)意见书"),
            .init(.body, "督察:\(view.inspection?.title ?? "")"),
            .init(.body, "任务:\(t.displayCode). \(t.title)"),
            .init(.body, "责任单位:\(view.units(.responsible).map(\.unitName).joined(separator: "、"))"),
            .init(.body, "验收单位:\(view.units(.acceptance).map(\.unitName).joined(separator: "、"))"),
            .init(.body, "验收日期:\(entry.onDate.flatMap(LocalDate.init(iso:))?.chinese ?? "")"),
            .init(.body, "验收人员:\(entry.people.isEmpty ? entry.user.displayName : entry.people)"),
            .init(.body, "验收结论:\(verdict)"),
            .init(.heading, "验收意见"),
            .init(.body, entry.text),
        ]
        let name = "\(step)意见书-\(t.displayCode).docx".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "acceptance.docx"
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        headers.replaceOrAdd(name: .contentDisposition,
                             value: "attachment; filename*=UTF-8''\(name)")
        return Response(status: .ok, headers: headers,
                        body: .init(data: try DOCXDocument(title: "\(step)意见书", paragraphs: paragraphs).data()))
    }

    /// POST /api/v1/tasks/{id}/subtasks: splits the task to lower-level units (issue 14).
    static func split(req: Request) async throws -> Response {
        let body = try req.decodeBody(SubtaskService.NewSubtask.self)
        let child = try await SubtaskService(lifecycle: req.lifecycle()).split(parentID: try req.intParameter("id"), body)
        return try await detail(try child.requireID(), req: req).encodeResponse(status: .created, for: req)
    }

    static func act(req: Request) async throws -> Detail {
        guard let action = req.parameters.get("action").flatMap(TaskAction.init(rawValue:)) else {
            throw AppError(status: .notFound, code: "actionUnknown", message: "没有这个操作")
        }
        let payload = req.body.data == nil ? LifecycleService.Payload() : try req.decodeBody(LifecycleService.Payload.self)
        try await req.lifecycle().perform(action, taskID: try req.intParameter("id"), payload: payload)
        return try await detail(req: req)
    }

    /// What a write answers: the new record's id and its status as it now stands (a
    /// report's, an extension's, an objection's or a look-back's verdict).
    struct Created<Status: Codable & Sendable>: Content {
        let id: Int
        let status: Status?
    }

    /// What the write of a record without a status answers.
    struct Recorded: Content {
        let id: Int
    }

    static func submitReport(req: Request) async throws -> Response {
        let body = try req.decodeBody(ReportService.NewReport.self)
        let r = try await ReportService(lifecycle: req.lifecycle()).submit(taskID: try req.intParameter("id"), body)
        return try await Created(id: try r.requireID(), status: r.status).encodeResponse(status: .created, for: req)
    }

    static func reviewReport(req: Request) async throws -> Created<ReportStatus> {
        let body = try req.decodeBody(ReportService.Review.self)
        let r = try await ReportService(lifecycle: req.lifecycle()).review(reportID: try req.intParameter("id"), body)
        return Created(id: try r.requireID(), status: r.status)
    }

    static func requestExtension(req: Request) async throws -> Response {
        let body = try req.decodeBody(OversightService.NewExtension.self)
        let e = try await OversightService(lifecycle: req.lifecycle()).requestExtension(taskID: try req.intParameter("id"), body)
        return try await Created(id: try e.requireID(), status: e.status).encodeResponse(status: .created, for: req)
    }

    static func decideExtension(req: Request) async throws -> Created<ExtensionStatus> {
        let body = try req.decodeBody(OversightService.Decision.self)
        let e = try await OversightService(lifecycle: req.lifecycle()).decideExtension(try req.intParameter("id"), body)
        return Created(id: try e.requireID(), status: e.status)
    }

    static func verification(req: Request) async throws -> Response {
        let body = try req.decodeBody(OversightService.NewVerification.self)
        let e = try await OversightService(lifecycle: req.lifecycle()).recordVerification(taskID: try req.intParameter("id"), body)
        return try await Recorded(id: try e.requireID()).encodeResponse(status: .created, for: req)
    }

    static func objection(req: Request) async throws -> Response {
        let body = try req.decodeBody(OversightService.NewObjection.self)
        let e = try await OversightService(lifecycle: req.lifecycle()).recordObjection(noticeID: try req.intParameter("id"), body)
        return try await Recorded(id: try e.requireID()).encodeResponse(status: .created, for: req)
    }

    static func answerObjection(req: Request) async throws -> Created<EntryVerdict> {
        let body = try req.decodeBody(OversightService.Answer.self)
        let e = try await OversightService(lifecycle: req.lifecycle()).answerObjection(try req.intParameter("id"), body)
        return Created(id: try e.requireID(), status: e.verdict)
    }

    static func lookBack(req: Request) async throws -> Response {
        let body = try req.decodeBody(OversightService.NewLookBack.self)
        let e = try await OversightService(lifecycle: req.lifecycle()).recordLookBack(taskID: try req.intParameter("id"), body)
        return try await Created(id: e?.id ?? 0, status: e?.verdict).encodeResponse(status: .created, for: req)
    }

    static func instruction(req: Request) async throws -> Response {
        let body = try req.decodeBody(OversightService.NewInstruction.self)
        let e = try await OversightService(lifecycle: req.lifecycle()).recordInstruction(taskID: try req.intParameter("id"), body)
        return try await Recorded(id: try e.requireID()).encodeResponse(status: .created, for: req)
    }
}
