import Fluent
import Plot
import SQLKit
import Vapor
import RectifyCore

/// Forms behind the inspection list: a new inspection, its problems and tasks, the
/// official report to print, a ledger import and a published report's import.
enum InspectionPagesController {
    static func requireOffice(_ req: Request) async throws -> Access {
        let access = try await req.access()
        guard access.isAdmin || access.roles.contains(.office) else { throw AppError.forbidden }
        return access
    }

    /// The inspection, if this user's office oversees it; 404 otherwise.
    static func inspection(_ req: Request, _ access: Access) async throws -> Inspection {
        guard let i = try await Inspection.find(try req.intParameter("id"), on: req.db),
              access.isAdmin || access.oversees([i.$targetRegion.id], as: .office) else { throw AppError.notFound }
        return i
    }

    // MARK: New inspection

    static func newInspection(req: Request) async throws -> Response { try await inspectionForm(req, state: nil) }

    static func inspectionForm(_ req: Request, state: FormState?) async throws -> Response {
        let access = try await requireOffice(req)
        return NewInspectionView(context: PageContext(req, section: .inspections), state: state,
                                 defaultRegion: access.regionCode.map { $0 / 10_000 * 10_000 } ?? 210000).response()
    }

    static func createInspection(req: Request) async throws -> Response {
        let access = try await requireOffice(req)
        var createdID = 0
        return try await WebForm.handle(req, form: "inspection", success: "督察已建立,请添加反馈问题和整改任务",
                                        redirect: { SiteURL.taskNew(createdID).path }, action: {
            let draft = try req.form(InspectionDraft.self)
            guard access.isAdmin || access.oversees([draft.targetRegionCode], as: .office) else {
                throw AppError(status: .forbidden, code: "inspection.outsideRegion", message: "只能为本地区建立督察")
            }
            // One transaction with its audit event: the pages' caches see a write by its event.
            createdID = try await req.db.writeTransaction { tx in
                let id = try await Store(db: tx).createInspection(draft).requireID()
                try await Audit.record(on: tx, actor: access.auditActor, action: .inspectionCreate, recordType: "inspection",
                                       recordID: id, taskID: nil, before: Optional<String>.none, after: ["title": draft.title])
                return id
            }
        }, page: { try await inspectionForm(req, state: $0) })
    }

    // MARK: Problems and tasks

    static func newTask(req: Request) async throws -> Response { try await taskForm(req, state: nil) }

    static func taskForm(_ req: Request, state: FormState?) async throws -> Response {
        let access = try await requireOffice(req)
        let i = try await inspection(req, access)
        let problems = try await Problem.query(on: req.db).filter(\.$inspection.$id == i.id!).sort(\.$number).all()
        let province = i.$targetRegion.id / 10_000 * 10_000
        let units = try await Unit.query(on: req.db).filter(\.$region.$id >= province).filter(\.$region.$id <= province + 9_999)
            .sort(\.$name).all()
        let numbers = try await TaskRecord.query(on: req.db).filter(\.$inspection.$id == i.id!).all(\.$number)
        return NewTaskView(context: PageContext(req, section: .inspections), inspectionID: i.id!, inspectionTitle: i.title,
                           problems: problems.map { ($0.id!, $0.number, $0.text) }, units: units.map { ($0.id!, $0.name) },
                           nextNumber: (numbers.max() ?? 0) + 1, state: state).response()
    }

    struct TaskForm: Decodable {
        var number: Int
        var title: String
        var target: String?
        var measures: String?
        var kind: TaskKind
        var deadline: LocalDate?
        var leadOfficial: String?
        var problemID: Int?
        var responsible: [Int]?
        var cooperating: [Int]?
        var supervising: [Int]?
        var acceptance: [Int]?
        var milestones: String?
        var assign: String?
    }

    static func createTask(req: Request) async throws -> Response {
        let access = try await requireOffice(req)
        let i = try await inspection(req, access)
        var createdID = 0
        return try await WebForm.handle(req, form: "task", success: "整改任务已建立", redirect: { SiteURL.task(createdID).path }, action: {
            let f = try req.form(TaskForm.self)
            var milestones: [Milestone] = []
            var problems: [Violation] = []
            for line in (f.milestones ?? "").split(whereSeparator: \.isNewline) {
                let text = line.trimmingCharacters(in: .whitespaces)
                guard !text.isEmpty else { continue }
                if let date = DeadlinePhrase.dates(in: text).first {
                    milestones.append(Milestone(date: date, description: LedgerSheet.milestoneDescription(text)))
                } else {
                    problems.append(.init("task.milestoneUnreadable", field: "milestones", "阶段目标“\(text)”中没有可识别的日期"))
                }
            }
            try problems.throwIfAny()
            var assignments: [UnitAssignment] = []
            for (ids, role) in [(f.responsible, UnitRole.responsible), (f.cooperating, .cooperating), (f.supervising, .supervising),
                                (f.acceptance, .acceptance)] {
                assignments += (ids ?? []).map { UnitAssignment(unitID: $0, role: role) }
            }
            let draft = TaskDraft(number: f.number, title: f.title, target: f.target ?? "", measures: f.measures ?? "", kind: f.kind,
                                  deadline: f.deadline, leadOfficial: f.leadOfficial ?? "", problemIDs: f.problemID.map { [$0] } ?? [],
                                  assignments: assignments, milestones: milestones)
            let lifecycle = try await req.lifecycle()
            let inspectionID = try i.requireID()
            let today = req.application.clock.today
            createdID = try await req.db.writeTransaction { tx in
                let id = try await Store(db: tx).createTask(inspectionID: inspectionID, draft, state: .draft, today: today).requireID()
                try await Audit.record(on: tx, actor: access.auditActor, action: .taskCreate, recordType: "task",
                                       recordID: id, taskID: id, before: Optional<String>.none, after: ["title": draft.title])
                return id
            }
            if f.assign == "true" { try await lifecycle.perform(.assign, taskID: createdID, payload: .init()) }
        }, page: { try await taskForm(req, state: $0) })
    }

    static func createProblem(req: Request) async throws -> Response {
        let access = try await requireOffice(req)
        let i = try await inspection(req, access)
        return try await WebForm.handle(req, form: "problem", success: "反馈问题已添加", redirect: { SiteURL.taskNew(i.id!).path }, action: {
            let draft = try req.form(ProblemDraft.self)
            let inspectionID = try i.requireID()
            try await req.db.writeTransaction { tx in
                let id = try await Store(db: tx).createProblem(inspectionID: inspectionID, draft).requireID()
                try await Audit.record(on: tx, actor: access.auditActor, action: .problemCreate, recordType: "problem",
                                       recordID: id, taskID: nil, before: Optional<String>.none, after: ["number": draft.number])
            }
        }, page: { try await taskForm(req, state: $0) })
    }

    // MARK: Report

    static func report(req: Request) async throws -> Response {
        let access = try await req.access()
        let id = try req.intParameter("id")
        var date: LocalDate?
        if let d = try? req.query.get(String.self, at: "date"), !d.isEmpty {
            guard let parsed = LocalDate(iso: d) else { throw AppError(status: .badRequest, code: "report.dateInvalid", message: "日期应写成 2018-06-30 的格式") }
            date = parsed
        }
        let round = try? req.query.get(Int.self, at: "round")
        let total = try await Problem.query(on: req.db).filter(\.$inspection.$id == id).count()
        let paged = total > ReportPageView.wholeUpTo
        let pages = paged ? (total + ReportPageView.perPage - 1) / ReportPageView.perPage : 1
        let page = min(max(1, (try? req.query.get(Int.self, at: "page")) ?? 1), pages)
        let report = try await OfficialReportBuilder.build(
            inspectionID: id, roundID: round, date: round == nil ? date : nil, access: access, today: req.application.clock.today,
            problems: paged ? ((page - 1) * ReportPageView.perPage, ReportPageView.perPage) : nil, on: req.db)
        return ReportPageView(context: PageContext(req, section: .inspections), inspectionID: id, report: report,
                              date: date, round: round, page: page, pages: pages, problemsTotal: total).response()
    }

    // MARK: Ledger import: upload, preview, confirm

    static func importPage(req: Request) async throws -> Response {
        let access = try await requireOffice(req)
        let i = try await inspection(req, access)
        return LedgerImportView(context: PageContext(req, section: .inspections), inspectionID: i.id!, inspectionTitle: i.title,
                                preview: nil, pending: nil, error: nil).response()
    }

    struct ImportForm: Content { var file: File?; var pending: String?; var confirm: String? }

    static func importSubmit(req: Request) async throws -> Response {
        let access = try await requireOffice(req)
        let i = try await inspection(req, access)
        let form = try? req.content.decode(ImportForm.self)
        let service = LedgerImport(db: req.db, access: access, clock: req.application.clock)
        let dir = (req.application.rectifyConfig?.dataDirectory ?? NSTemporaryDirectory()) + "/imports"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        func render(_ preview: LedgerImport.Preview?, pending: String?, error: AppError?) -> Response {
            let r = LedgerImportView(context: PageContext(req, section: .inspections), inspectionID: i.id!, inspectionTitle: i.title,
                                     preview: preview, pending: pending, error: error).response()
            if let error { r.status = error.status }
            return r
        }
        do {
            if form?.confirm == "true", let token = form?.pending, token.allSatisfy({ $0.isLetter || $0.isNumber }),
               req.userSession?["import"] == token {
                let path = dir + "/" + token
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw AppError(status: .gone, code: "import.expired", message: "预览已过期,请重新上传")
                }
                let preview = try await service.apply(inspectionID: i.id!, data: data)
                try? FileManager.default.removeItem(atPath: path)
                req.userSession?["import"] = nil
                let c = preview.counts
                req.flash("台账已导入:新建 \(c.create) 项,更新 \(c.update) 项,无变化 \(c.unchanged) 项")
                return req.redirect(to: SiteURL.ledger.with([("inspection", String(i.id!))]), redirectType: .normal)
            }
            guard let file = form?.file, file.data.readableBytes > 0 else {
                throw AppError(status: .unprocessableEntity, code: "file.empty", message: "请选择台账文件(.xlsx 或 .csv)")
            }
            let data = Data(file.data.readableBytesView)
            let preview = try await service.plan(inspectionID: i.id!, data: data).preview
            var pending: String?
            if preview.counts.invalid == 0 && preview.counts.create + preview.counts.update > 0 {
                let token = UUID().uuidString.replacingOccurrences(of: "-", with: "")
                try data.write(to: URL(fileURLWithPath: dir + "/" + token))
                req.userSession?["import"] = token
                pending = token
            }
            return render(preview, pending: pending, error: nil)
        } catch let e as AppError where e.status != .notFound && e.status != .forbidden {
            return render(nil, pending: nil, error: e)
        } catch let f as ValidationFailure {
            return render(nil, pending: nil, error: AppError.validation(f))
        }
    }

    // MARK: Published report: paste, review, create

    static func reportImportPage(req: Request) async throws -> Response {
        _ = try await requireOffice(req)
        return try await ReportImportView(context: PageContext(req, section: .imports), draft: nil, text: "", error: nil,
                                          units: units(req), state: nil).response()
    }

    static func units(_ req: Request) async throws -> [(Int, String)] {
        let access = try await req.access()
        var q = Unit.query(on: req.db).sort(\.$name)
        if !access.isAdmin, let range = access.oversight {
            let province = range.lowerBound / 10_000 * 10_000
            q = q.filter(\.$region.$id >= province).filter(\.$region.$id <= province + 9_999)
        }
        return try await q.all().map { ($0.id!, $0.name) }
    }

    struct PasteForm: Content { var text: String?; var file: File? }

    static func reportImportParse(req: Request) async throws -> Response {
        _ = try await requireOffice(req)
        let form = try? req.content.decode(PasteForm.self)
        var text = form?.text ?? ""
        if let file = form?.file, file.data.readableBytes > 0 {
            guard let s = String(data: Data(file.data.readableBytesView), encoding: .utf8) else {
                let r = try await ReportImportView(context: PageContext(req, section: .imports), draft: nil, text: "",
                                                   error: "文件不是 UTF-8 文本:请把报告正文另存为 UTF-8 文本,或直接粘贴", units: units(req), state: nil).response()
                r.status = .unprocessableEntity
                return r
            }
            text = s
        }
        let result = ReportParser.parse(text)
        if result.problems.isEmpty {
            let r = try await ReportImportView(context: PageContext(req, section: .imports), draft: nil, text: text,
                                               error: result.unrecognisedAccount, units: units(req), state: nil).response()
            r.status = .unprocessableEntity
            return r
        }
        return try await ReportImportView(context: PageContext(req, section: .imports), draft: result, text: text, error: nil,
                                          units: units(req), state: nil).response()
    }

    static func reportImportCreate(req: Request) async throws -> Response {
        _ = try await requireOffice(req)
        do {
            let body = try req.form(ImportAPI.FromReport.self)
            let response = try await ImportAPI.create(body, req: req)
            req.flash("已建立督察:\(response.problems) 个反馈问题,\(response.tasks) 项整改任务")
            return req.redirect(to: SiteURL.ledger.with([("inspection", String(response.inspectionID))]), redirectType: .normal)
        } catch let error {
            let e: AppError = (error as? AppError) ?? (error as? ValidationFailure).map(AppError.validation) ?? AppError(status: .unprocessableEntity, code: "badForm", message: "\(error)")
            if e.status == .notFound { throw e }
            let r = try await ReportImportView(context: PageContext(req, section: .imports), draft: nil, text: "",
                                               error: e.message, units: units(req), state: nil).response()
            r.status = e.status
            return r
        }
    }
}
