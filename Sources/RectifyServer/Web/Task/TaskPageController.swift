import Fluent
import Plot
import SQLKit
import Vapor
import RectifyCore

/// The task page's reads and its forms: each form posts to the same service as the API
/// and comes back to the page with the outcome.
enum TaskPageController {
    /// The page reads the API's sheet once and the records only it shows in one more statement.
    static func model(_ req: Request, taskID id: Int) async throws -> TaskPageModel {
        let access = try await req.access()
        let sheet = try await TaskQueries.sheet(id, access: access, on: req.db)
        let today = req.application.clock.today
        let detail = TaskQueries.detail(sheet, today: today)
        let office = access.isOffice(over: sheet.view)
        var forms: TaskQueries.OfficeForms?
        if office {
            let t = sheet.view.task
            let inspectionRegion = sheet.view.inspection.map { [$0.$targetRegion.id] } ?? []
            forms = .init(splitRange: Store.splittable.contains(t.state) ? t.regionCode.map(Access.subtree(of:)) : nil,
                          // Linking is for the office over the inspection's region.
                          inspection: t.$parentTask.id == nil && access.oversees(inspectionRegion, as: .office)
                              ? sheet.view.inspection : nil)
        }
        let records = try await TaskQueries.records(id, access: access, forms: forms, on: req.db)
        let view = sheet.view
        let roles = access.unitRoles(on: view)
        let leader = access.oversees(view.regionCodes, as: .leader)
        return TaskPageModel(
            detail: detail, inspectionTitle: view.inspection?.title ?? "", problems: records.problems.map { ($0.number, $0.text) },
            reports: sheet.reports.map { .init(id: $0.id, unit: $0.unit, narrative: $0.narrative, percent: $0.percent,
                                               difficulties: $0.difficulties, nextSteps: $0.nextSteps, status: $0.status.rawValue,
                                               reason: $0.reviewReason, submittedAt: $0.submittedAt) },
            entries: records.entries.map { .init(id: $0.id, kind: $0.kind, onDate: $0.onDate, untilDate: $0.untilDate, people: $0.people,
                                                 text: $0.text, verdict: $0.verdict, answer: $0.answer, parentID: $0.parentID,
                                                 contact: office ? $0.contact : nil, step: $0.step) },
            extensions: records.extensions.map { .init(id: $0.id, unit: $0.unit, requested: $0.requested, previous: $0.previous,
                                                       reason: $0.reason, status: $0.status, note: $0.note) },
            events: records.events.map { .init(at: $0.at, who: $0.who, action: $0.action) },
            evidence: records.evidence.map { .init(id: $0.id, name: $0.name, size: $0.size, isPublic: $0.isPublic != 0) },
            orders: records.orders.map { (OversightService.number(year: $0.year, seq: $0.seq), $0.closed == 0 ? "未办结" : "已办结") },
            cases: records.cases.map { ($0.id, $0.number, $0.place, PetitionStatus(rawValue: $0.status)?.label ?? $0.status) },
            canReport: access.roles.contains(.unit) && roles.contains(.responsible) && detail.state == .inProgress,
            canReview: office, isOffice: office, isLeader: leader,
            canUpload: !roles.isEmpty || office,
            today: today, parent: sheet.parent, subtasks: sheet.subtasks,
            splitUnits: records.splitUnits.map { ($0.id, "\(RegionCatalog.byCode[$0.region]?.name ?? String($0.region)) \($0.name)") },
            problemIDs: records.problems.map { ($0.id, $0.number) }, lineage: records.lineage,
            linkCandidates: records.problems.isEmpty ? [] : records.linkCandidates.map {
                ($0.id, $0.title + ($0.feedbackDate.flatMap(LocalDate.init(iso:)).map { "(\($0.chinese)反馈)" } ?? "") + ",\($0.problems) 个问题")
            },
            withdrawal: records.withdrawal.first.map { w in
                PlanWithdrawal.words(PlanWithdrawal(rawValue: w.kind) ?? .cancelled, intoNumber: w.into, documentNumber: w.document,
                                     approvedOn: LocalDate(iso: w.approvedOn), reason: w.reason)
            })
    }

    struct LinkForm: Content {
        var problemID: String?
        var earlierProblemID: String?
        /// The page's form names the earlier problem by its inspection and number (三 or 3).
        var earlierInspectionID: String?
        var earlierNumber: String?
        var kind: String?
        var note: String?
    }

    static func linkProblem(req: Request) async throws -> Response {
        try await submit(req, form: "lineage", success: "已关联此前督察的问题") { _ in
            let f = try req.form(LinkForm.self)
            guard let problem = f.problemID.flatMap({ Int($0) }) else {
                throw ValidationFailure([.init("lineage.problemRequired", field: "problemID", "请选择本任务的问题")])
            }
            guard let kind = f.kind.flatMap(ProblemLinkKind.init(rawValue:)) else {
                throw ValidationFailure([.init("lineage.kindRequired", field: "kind", "请选择关联类型")])
            }
            // Only an office links (the service checks which one); nobody else learns an inspection's numbers here.
            let access = try await req.access()
            guard access.isAdmin || access.roles.contains(.office) else {
                throw AppError(status: .forbidden, code: "lineage.forbidden", message: "只有整改办可以关联问题")
            }
            let earlier = try await earlierProblem(f, on: req.db)
            // The problem must be one of this task's.
            let taskID = try req.intParameter("id")
            guard try await TaskProblem.query(on: req.db).filter(\.$task.$id == taskID).filter(\.$problem.$id == problem).count() > 0 else {
                throw ValidationFailure([.init("lineage.problemNotOfTask", field: "problemID", "所选问题不属于本任务")])
            }
            _ = try await LineageService(db: req.db, access: access, clock: req.application.clock)
                .link(problemID: problem, .init(earlierProblemID: earlier, kind: kind, note: f.note))
        }
    }

    /// The earlier problem a link form names: by id (as the API takes it), or by its inspection and number.
    static func earlierProblem(_ f: LinkForm, on db: any Database) async throws -> Int {
        if let id = f.earlierProblemID.flatMap({ Int($0) }) { return id }
        guard let inspection = f.earlierInspectionID.flatMap({ Int($0) }) else {
            throw ValidationFailure([.init("lineage.earlierRequired", field: "earlierInspectionID", "请选择此前的督察")])
        }
        // 3, 三, 问题三, 第3项, (三) — full-width or not, spaced or not.
        var words = ReportParser.halfWidth(f.earlierNumber ?? "").filter { !$0.isWhitespace }
        for prefix in ["问题", "第"] where words.hasPrefix(prefix) { words = String(words.dropFirst(prefix.count)) }
        words = words.trimmingCharacters(in: CharacterSet(charactersIn: "、.()项个条"))
        guard let number = Int(words) ?? ChineseNumeral.value(words), (1...9_999).contains(number) else {
            throw ValidationFailure([.init("lineage.earlierNumberRequired", field: "earlierNumber", "请填写此前督察的问题编号,如 3 或 三")])
        }
        guard let problem = try await Problem.query(on: db).filter(\.$inspection.$id == inspection).filter(\.$number == number).first(),
              let id = problem.id else {
            throw ValidationFailure([.init("lineage.earlierUnknown", field: "earlierNumber", "所选督察没有问题\(ChineseNumeral.string(number) ?? String(number))")])
        }
        return id
    }

    /// The split form: one responsible unit and (optionally) one acceptance unit, as the API takes lists.
    struct SplitForm: Content {
        var title: String?
        var target: String?
        var measures: String?
        var deadline: String?
        var responsible: String?
        var acceptance: String?
    }

    static func split(req: Request) async throws -> Response {
        try await submit(req, form: "split", success: "已分解子任务") { id in
            let f = try req.form(SplitForm.self)
            func blankless(_ s: String?) -> String? {
                guard let t = s?.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty else { return nil }
                return t
            }
            guard let responsible = blankless(f.responsible).flatMap(Int.init) else {
                throw ValidationFailure([.init("subtask.responsibleRequired", field: "responsible", "请选择子任务的责任单位")])
            }
            var deadline: LocalDate?
            if let d = blankless(f.deadline) {
                guard let day = LocalDate(iso: d) else {
                    throw ValidationFailure([.init("subtask.deadlineInvalid", field: "deadline", "整改时限应为日期,如 2025-12-31")])
                }
                deadline = day
            }
            let body = SubtaskService.NewSubtask(
                title: blankless(f.title), target: blankless(f.target), measures: blankless(f.measures), deadline: deadline,
                leadOfficial: nil, responsible: [responsible], cooperating: nil, supervising: nil,
                acceptance: blankless(f.acceptance).flatMap(Int.init).map { [$0] })
            try await SubtaskService(lifecycle: req.lifecycle()).split(parentID: id, body)
        }
    }

    static func show(req: Request) async throws -> Response {
        try await page(req, taskID: try req.intParameter("id"), state: nil)
    }

    /// The page as it comes back from a form (`state`) is written for this request. Otherwise
    /// its body is the same for every viewer of the scope (roles, unit, region: what the page's
    /// reads, forms and private fields depend on) on the day: written once per change of the data,
    /// with each viewer's own token put into its forms.
    static func page(_ req: Request, taskID: Int, state: FormState?) async throws -> Response {
        let context = PageContext(req, section: .ledger)
        if let state {
            return TaskPageView(context: context, model: try await model(req, taskID: taskID), state: state).response()
        }
        let access = try await req.access()
        let key = "task.html|\(taskID)|\(access.scopeKey)|\(req.application.clock.today.iso)"
        let body = try await req.cachedAggregate(key, in: req.application.pageCache) {
            CachedBody(TaskPageView(context: context.shared, model: try await model(req, taskID: taskID), state: nil))
        }
        return WrittenPage(context: context, body: body).response()
    }

    // MARK: Submissions. Each calls the same service as the API and comes back here.

    /// A form about the task the route names.
    static func submit(_ req: Request, form: String, success: String, _ action: @escaping (Int) async throws -> Void) async throws -> Response {
        try await submit(req, taskID: try req.intParameter("id"), form: form, success: success, action)
    }

    static func submit(_ req: Request, taskID id: Int, form: String, success: String,
                       _ action: @escaping (Int) async throws -> Void) async throws -> Response {
        try await WebForm.handle(req, form: form, success: success, redirect: { SiteURL.task(id).path },
                                 action: { try await action(id) }, page: { try await page(req, taskID: id, state: $0) })
    }

    static func act(req: Request) async throws -> Response {
        guard let action = req.parameters.get("action").flatMap(TaskAction.init(rawValue:)) else { throw AppError.notFound }
        return try await submit(req, form: action.rawValue, success: "已\(action.label)") { id in
            let payload = try req.form(LifecycleService.Payload.self)
            try await req.lifecycle().perform(action, taskID: id, payload: payload)
        }
    }

    struct ReportForm: Content {
        var narrative: String
        var percent: String?
        var difficulties: String?
        var nextSteps: String?
        var milestonesReached: [Int]?
        var revises: String?
        var file: File?
    }

    static func report(req: Request) async throws -> Response {
        try await submit(req, form: "report", success: "进展已报送,等待整改办审核") { id in
            let f: ReportForm
            do { f = try req.content.decode(ReportForm.self) } catch {
                throw AppError(status: .unprocessableEntity, code: "badForm", message: "请填写整改进展")
            }
            let percent: Int?
            if let p = f.percent?.trimmingCharacters(in: .whitespaces), !p.isEmpty {
                guard let n = Int(p) else {
                    throw ValidationFailure([.init("report.percentInvalid", field: "percent", "完成比例应为 0 至 100 的整数")])
                }
                percent = n
            } else { percent = nil }
            let body = ReportService.NewReport(narrative: f.narrative, percent: percent, milestonesReached: f.milestonesReached,
                                               difficulties: f.difficulties, nextSteps: f.nextSteps,
                                               revises: f.revises.flatMap { Int($0) })
            // The attachment is checked and stored first; the report and its link to the
            // file are then one transaction, so a refused file saves no report and a
            // retried submission cannot leave a report without its file.
            let evidence = try await EvidenceAPI.service(req)
            var stored: EvidenceService.StoredFile?
            if let file = f.file, file.data.readableBytes > 0 {
                stored = try await evidence.store(taskID: id, name: file.filename, body: file.data)
            }
            let attachment = stored
            try await evidence.lifecycle.db.writeTransaction { tx in
                let r = try await ReportService(lifecycle: evidence.lifecycle.on(tx)).submit(taskID: id, body)
                if let attachment { _ = try await evidence.link(attachment, taskID: id, reportID: r.id, on: tx) }
            }
        }
    }

    /// A form about one record of a task (a report, an extension request, a notice, an
    /// objection, a file): the route names the record, and its task's page is where the
    /// form comes back to.
    static func submit<M: Model>(_ req: Request, about type: M.Type, task: KeyPath<M, ParentProperty<M, TaskRecord>>,
                                 form: (Int) -> String, success: String,
                                 _ action: @escaping (Int) async throws -> Void) async throws -> Response where M.IDValue == Int {
        let recordID = try req.intParameter("id")
        guard let record = try await M.find(recordID, on: req.db) else { throw AppError.notFound }
        return try await submit(req, taskID: record[keyPath: task].id, form: form(recordID), success: success) { _ in
            try await action(recordID)
        }
    }

    static func review(req: Request) async throws -> Response {
        try await submit(req, about: ProgressReport.self, task: \.$task, form: { "review-\($0)" }, success: "已审核") { id in
            _ = try await ReportService(lifecycle: req.lifecycle()).review(reportID: id, try req.form(ReportService.Review.self))
        }
    }

    static func requestExtension(req: Request) async throws -> Response {
        try await submit(req, form: "extension", success: "延期申请已提交") { id in
            _ = try await OversightService(lifecycle: req.lifecycle()).requestExtension(taskID: id, try req.form(OversightService.NewExtension.self))
        }
    }

    static func decideExtension(req: Request) async throws -> Response {
        try await submit(req, about: ExtensionRequest.self, task: \.$task, form: { "decide-\($0)" }, success: "已审批延期申请") { id in
            _ = try await OversightService(lifecycle: req.lifecycle()).decideExtension(id, try req.form(OversightService.Decision.self))
        }
    }

    static func verification(req: Request) async throws -> Response {
        try await submit(req, form: "verification", success: "已记录现场核查") { id in
            _ = try await OversightService(lifecycle: req.lifecycle()).recordVerification(taskID: id, try req.form(OversightService.NewVerification.self))
        }
    }

    static func lookBack(req: Request) async throws -> Response {
        try await submit(req, form: "lookback", success: "已记录回头看") { id in
            _ = try await OversightService(lifecycle: req.lifecycle()).recordLookBack(taskID: id, try req.form(OversightService.NewLookBack.self))
        }
    }

    static func instruction(req: Request) async throws -> Response {
        try await submit(req, form: "instruction", success: "批示已记录") { id in
            _ = try await OversightService(lifecycle: req.lifecycle()).recordInstruction(taskID: id, try req.form(OversightService.NewInstruction.self))
        }
    }

    static func objection(req: Request) async throws -> Response {
        try await submit(req, about: TaskEntry.self, task: \.$task, form: { _ in "objection" }, success: "异议已登记") { id in
            _ = try await OversightService(lifecycle: req.lifecycle()).recordObjection(noticeID: id, try req.form(OversightService.NewObjection.self))
        }
    }

    static func answer(req: Request) async throws -> Response {
        try await submit(req, about: TaskEntry.self, task: \.$task, form: { "answer-\($0)" }, success: "异议已答复") { id in
            _ = try await OversightService(lifecycle: req.lifecycle()).answerObjection(id, try req.form(OversightService.Answer.self))
        }
    }

    struct Upload: Content { var file: File?; var isPublic: String? }

    /// The office publishes a file to the public portal, or takes it back.
    static func publishEvidence(req: Request) async throws -> Response {
        let makePublic = (try? req.content.get(String.self, at: "isPublic")) == "true"
        return try await submit(req, about: EvidenceLink.self, task: \.$task, form: { _ in "evidence" },
                                success: makePublic ? "已在信息公开中公布" : "已撤回公开") { id in
            _ = try await EvidenceAPI.service(req).publish(linkID: id, isPublic: makePublic)
        }
    }

    static func evidence(req: Request) async throws -> Response {
        try await submit(req, form: "evidence", success: "佐证材料已上传") { id in
            let u = try? req.content.decode(Upload.self)
            guard let file = u?.file, file.data.readableBytes > 0 else {
                throw ValidationFailure([.init("evidence.fileRequired", field: "file", "请选择要上传的文件")])
            }
            _ = try await EvidenceAPI.service(req).upload(taskID: id, name: file.filename, body: file.data)
        }
    }
}
