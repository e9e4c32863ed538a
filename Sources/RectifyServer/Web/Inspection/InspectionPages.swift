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
            createdID = try await Store(db: req.db).createInspection(draft).requireID()
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
            let task = try await Store(db: req.db).createTask(inspectionID: i.id!, draft, state: .draft, today: req.application.clock.today)
            createdID = try task.requireID()
            if f.assign == "true" { try await lifecycle.perform(.assign, taskID: createdID, payload: .init()) }
        }, page: { try await taskForm(req, state: $0) })
    }

    static func createProblem(req: Request) async throws -> Response {
        let access = try await requireOffice(req)
        let i = try await inspection(req, access)
        return try await WebForm.handle(req, form: "problem", success: "反馈问题已添加", redirect: { SiteURL.taskNew(i.id!).path }, action: {
            _ = try await Store(db: req.db).createProblem(inspectionID: i.id!, try req.form(ProblemDraft.self))
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
                                               error: "没有识别出反馈问题(如“三十七、…… 整改进展情况:……”)", units: units(req), state: nil).response()
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

struct NewInspectionView: PageView {
    let context: PageContext
    let state: FormState?
    let defaultRegion: Int
    var title: String { "新建督察" }

    var content: Node<HTML.BodyContext> {
        let s = state
        return .div(
            .h1("新建督察"),
            .form(.class("action wide"), .method(.post), .action(SiteURL.inspectionNew.path),
                  Forms.csrf(context),
                  Forms.message(s, "inspection"),
                  Forms.field("督察名称", "title", value: s?.value("title") ?? "", required: true, error: s?.error("title"), form: "i"),
                  Forms.select("级别", "level", options: InspectionLevel.allCases.map { ($0.rawValue, $0.label) }, selected: s?.value("level") ?? "central", form: "i"),
                  Forms.field("轮次", "round", type: .number, value: s?.value("round") ?? "", error: s?.error("round"), form: "i"),
                  Forms.select("类型", "kind", options: InspectionKind.allCases.map { ($0.rawValue, $0.label) }, selected: s?.value("kind") ?? "routine", form: "i"),
                  Forms.field("督察组", "team", value: s?.value("team") ?? "", required: true, error: s?.error("team"), form: "i"),
                  Forms.field("被督察地区代码", "targetRegionCode", type: .number, value: s?.value("targetRegionCode") ?? String(defaultRegion),
                              required: true, error: s?.error("targetRegionCode"), form: "i"),
                  Forms.field("进驻开始", "stationedFrom", type: .date, value: s?.value("stationedFrom") ?? "", error: s?.error("stationedFrom"), form: "i"),
                  Forms.field("进驻结束", "stationedUntil", type: .date, value: s?.value("stationedUntil") ?? "", error: s?.error("stationedUntil"), form: "i"),
                  Forms.field("反馈日期", "feedbackDate", type: .date, value: s?.value("feedbackDate") ?? "", error: s?.error("feedbackDate"), form: "i"),
                  Forms.field("整改方案批准日期", "planApprovedDate", type: .date, value: s?.value("planApprovedDate") ?? "",
                              error: s?.error("planApprovedDate"), form: "i"),
                  Forms.submit("建立督察"))
        )
    }
}

struct NewTaskView: PageView {
    let context: PageContext
    let inspectionID: Int
    let inspectionTitle: String
    let problems: [(Int, Int, String)]
    let units: [(Int, String)]
    let nextNumber: Int
    let state: FormState?
    var title: String { "新增整改任务" }

    func multi(_ label: String, _ name: String) -> Node<HTML.FormContext> {
        .div(.class("field"),
             .label(.for(HTMLText.escape("t-\(name)")), .text(HTMLText.escape(label))),
             .select(.id(HTMLText.escape("t-\(name)")), .attribute(named: "name", value: HTMLText.escape("\(name)[]")), .attribute(named: "multiple", value: "multiple"), .attribute(named: "size", value: "5"),
                     .forEach(units) { id, name in .choice(String(id), name) }),
             .small(.class("sub"), .text("可多选(按住 Ctrl 或 ⌘)")),
             .unwrap(name == "responsible" ? state?.error("assignments") : nil) { .small(.class("field-error"), .text(HTMLText.escape($0))) })
    }

    var content: Node<HTML.BodyContext> {
        let s = state?.isFor("task") == true ? state : nil
        let p = state?.isFor("problem") == true ? state : nil
        return .div(
            .p(.class("crumbs"), .a(.href(HTMLText.escape(SiteURL.ledger.with([("inspection", String(inspectionID))]))), .text(HTMLText.escape(inspectionTitle)))),
            .h1("新增整改任务"),
            .div(.class("grid two"),
                 .form(.class("action"), .method(.post), .action(SiteURL.taskNew(inspectionID).path),
                       Forms.csrf(context),
                       Forms.message(state, "task"),
                       Forms.field("序号", "number", type: .number, value: s?.value("number") ?? String(nextNumber), required: true, error: s?.error("number"), form: "t"),
                       Forms.field("任务名称", "title", value: s?.value("title") ?? "", required: true, error: s?.error("title"), form: "t"),
                       Forms.select("反馈问题", "problemID", options: problems.map { (String($0.0), "\(ChineseNumeral.string($0.1) ?? String($0.1))、\($0.2.prefix(30))") },
                                    selected: s?.value("problemID"), error: s?.error("problemIDs"), form: "t", blank: "(不关联)"),
                       Forms.area("整改目标", "target", value: s?.value("target") ?? "", rows: 2, form: "t"),
                       Forms.area("整改措施", "measures", value: s?.value("measures") ?? "", rows: 3, form: "t"),
                       Forms.select("类型", "kind", options: TaskKind.allCases.map { ($0.rawValue, $0.label) }, selected: s?.value("kind") ?? "timeLimited", form: "t"),
                       Forms.field("整改时限", "deadline", type: .date, value: s?.value("deadline") ?? "", error: s?.error("deadline"), form: "t"),
                       Forms.field("责任领导", "leadOfficial", value: s?.value("leadOfficial") ?? "", form: "t"),
                       multi("责任单位", "responsible"), multi("配合单位", "cooperating"), multi("督导单位", "supervising"), multi("验收单位", "acceptance"),
                       Forms.area("阶段目标(每行一个,如:2018年6月30日:完成排查)", "milestones", value: s?.value("milestones") ?? "", rows: 3,
                                  error: s?.error("milestones"), form: "t"),
                       .label(.class("check"), .input(.type(.checkbox), .name("assign"), .value("true"), .attribute(named: "checked", value: "checked")),
                              .text(" 建立后立即交办")),
                       Forms.submit("建立任务")),
                 .section(.class("panel"),
                          .h2("反馈问题"),
                          .ol(.forEach(problems) { _, n, text in .li(.text(HTMLText.escape("\(ChineseNumeral.string(n) ?? String(n))、\(text)"))) }),
                          .form(.class("inline"), .method(.post), .action(SiteURL.problemNew(inspectionID).path),
                                Forms.csrf(context),
                                .h3("添加反馈问题"),
                                Forms.message(state, "problem"),
                                Forms.field("编号", "number", type: .number, value: p?.value("number") ?? String((problems.map(\.1).max() ?? 0) + 1),
                                            required: true, error: p?.error("number"), form: "p"),
                                Forms.area("问题内容", "text", value: p?.value("text") ?? "", required: true, rows: 3, error: p?.error("text"), form: "p"),
                                Forms.submit("添加问题", style: "secondary"))))
        )
    }
}

struct ReportPageView: PageView {
    let context: PageContext
    let inspectionID: Int
    let report: OfficialReport
    let date: LocalDate?
    let round: Int?
    let page: Int
    let pages: Int
    let problemsTotal: Int
    var title: String { "整改落实情况报告" }

    /// A report of a few hundred problems is shown whole, to print; a larger one (an
    /// inspection of tens of thousands of tasks) a hundred problems a page, with the
    /// whole document as Word or text.
    static let wholeUpTo = 300
    static let perPage = 100

    /// The report holds just this page's problems when paged.
    var shown: [OfficialReport.ProblemSection] { report.problems }

    func link(_ page: Int) -> String {
        SiteURL.report(inspectionID).with([("date", date?.iso), ("round", round.map(String.init)), ("page", String(page))])
    }

    var content: Node<HTML.BodyContext> {
        let query: [(String, String?)] = [("date", date?.iso), ("round", round.map(String.init))]
        let api = SiteURL.reportDownload(inspectionID).path
        func download(_ format: String) -> String {
            api + "?format=\(format)" + query.compactMap { k, v in v.map { "&\(k)=\($0)" } }.joined()
        }
        return .div(
            .div(.class("titlebar noprint"),
                 .form(.class("filters"), .method(.get), .action(SiteURL.report(inspectionID).path),
                       .unwrap(round) { .input(.type(.hidden), .name("round"), .value(HTMLText.escape(String($0)))) },
                       Forms.field("截至日期(留空为今天)", "date", type: .date, value: date?.iso ?? ""),
                       Forms.submit("生成")),
                 .div(.class("tools"),
                      .a(.class("button"), .href(HTMLText.escape(download("docx"))), .text("下载 Word")),
                      .a(.class("button"), .href(HTMLText.escape(download("text"))), .text("纯文本")),
                      .button(.class("button"), .attribute(named: "data-print", value: "1"), .text("打印")))),
            .article(.class("official"),
                     .h1(.text(HTMLText.escape("关于\(report.title)整改落实情况的报告"))),
                     .p(.text(HTMLText.escape(report.opening))),
                     .forEach(shown) { p in
                         .div(.h2(.text(HTMLText.escape("\(ChineseNumeral.string(p.number) ?? String(p.number))、\(p.text)"))),
                              .p(.class("status"), .text(HTMLText.escape("整改进展情况:\(p.statusWords)。"))),
                              .forEach(p.narratives) { .p(.text(HTMLText.escape($0))) })
                     }),
            .if(pages > 1, .nav(.class("pager noprint"),
                .p(.class("sub"), .text(HTMLText.escape("本报告共 \(problemsTotal) 个反馈问题,每页显示 \(Self.perPage) 个;完整报告请下载 Word 或纯文本。"))),
                .if(page > 1, .a(.href(HTMLText.escape(link(page - 1))), .text("上一页"))),
                .span(.text(HTMLText.escape("第 \(min(page, pages)) / \(pages) 页"))),
                .if(page < pages, .a(.href(HTMLText.escape(link(page + 1))), .text("下一页")))))
        )
    }
}

struct LedgerImportView: PageView {
    let context: PageContext
    let inspectionID: Int
    let inspectionTitle: String
    let preview: LedgerImport.Preview?
    let pending: String?
    let error: AppError?
    var title: String { "导入台账" }

    var content: Node<HTML.BodyContext> {
        .div(
            .p(.class("crumbs"), .a(.href(HTMLText.escape(SiteURL.ledger.with([("inspection", String(inspectionID))]))), .text(HTMLText.escape(inspectionTitle)))),
            .h1("导入台账"),
            .p(.class("sub"), .text("上传 Excel(.xlsx)或 CSV 台账。表头可用“序号、反馈问题、整改任务、整改目标、整改措施、责任单位(或牵头单位)、配合单位、督导单位、验收单位、责任领导、整改时限(或完成时限)、阶段目标、完成情况”。先预览,确认无误后才写入;同一文件重复导入不会重复建立任务。")),
            .unwrap(error) { e in
                .div(.class("error"), .attribute(named: "role", value: "alert"), .p(.text(HTMLText.escape(e.message))),
                     .ul(.forEach(e.violations.prefix(50)) { .li(.text(HTMLText.escape($0.message))) }))
            },
            .form(.class("action wide"), .method(.post), .action(SiteURL.ledgerImport(inspectionID).path), .enctype(.multipartData),
                  Forms.csrf(context),
                  .div(.class("field wide"), .label(.for("import-file"), "台账文件"),
                       .input(.id("import-file"), .type(.file), .name("file"), .required(true),
                              .attribute(named: "accept", value: ".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
                  Forms.submit("预览")),
            .unwrap(preview) { p in
                .section(.class("panel"),
                         .h2("预览"),
                         .p(.text(HTMLText.escape("表头在第 \(p.headerLine) 行。新建 \(p.counts.create) 项,更新 \(p.counts.update) 项,无变化 \(p.counts.unchanged) 项,有问题 \(p.counts.invalid) 行。"))),
                         .if(!p.newProblems.isEmpty, .p(.text(HTMLText.escape("将新建反馈问题:" + p.newProblems.map { "\(ChineseNumeral.string($0.number) ?? String($0.number))、\($0.text.prefix(20))" }.joined(separator: ";"))))),
                         .if(!p.ignoredColumns.isEmpty, .p(.class("sub"), .text(HTMLText.escape("未导入的列:\(p.ignoredColumns.joined(separator: "、"))")))),
                         .unwrap(pending) { token in
                             .form(.class("inline"), .method(.post), .action(SiteURL.ledgerImport(inspectionID).path), .enctype(.multipartData),
                                   Forms.csrf(context),
                                   .input(.type(.hidden), .name("pending"), .value(HTMLText.escape(token))),
                                   .input(.type(.hidden), .name("confirm"), .value("true")),
                                   Forms.submit("确认导入"))
                         },
                         .if(p.counts.invalid > 0, .p(.class("error"), .text("有问题的行须先在表格中修改,然后重新上传预览;有问题时不会导入任何内容。"))),
                         .table(.class("ledger"),
                                .thead(.tr(.th("行"), .th("序号"), .th("整改任务"), .th("处理"), .th("说明"))),
                                .tbody(.forEach(p.rows.filter { $0.action != "unchanged" }.prefix(500)) { r in
                                    row(r)
                                })))
            }
        )
    }
}

extension LedgerImportView {
    func row(_ r: LedgerImport.RowPlan) -> Node<HTML.TableContext> {
        let action = ["create": "新建", "update": "更新", "invalid": "有问题"][r.action] ?? r.action
        let note = r.action == "update" ? "更新:" + r.changes.joined(separator: "、") : r.problems.map(\.message).joined(separator: ";")
        let number = r.number.map(String.init) ?? ""
        return .tr(.class(r.action), .td(.text(String(r.line))), .td(.text(HTMLText.escape(number))), .td(.text(HTMLText.escape(r.title))), .td(.text(HTMLText.escape(action))), .td(.text(HTMLText.escape(note))))
    }
}

struct ReportImportView: PageView {
    let context: PageContext
    let draft: ReportParser.Result?
    let text: String
    let error: String?
    let units: [(Int, String)]
    let state: FormState?
    var title: String { "从公开报告导入" }

    var content: Node<HTML.BodyContext> {
        .div(
            .h1("从公开报告导入督察"),
            .p(.class("sub"), .text("粘贴或上传已公开的整改情况报告正文(可含网页页眉页脚、繁体字、拼音注音)。系统识别出反馈问题、整改进展和措施,经您核对修改后建成督察。")),
            .unwrap(error) { .p(.class("error"), .attribute(named: "role", value: "alert"), .text(HTMLText.escape($0))) },
            .if(draft == nil, .form(.class("action wide"), .method(.post), .action(SiteURL.reportImport.path), .enctype(.multipartData),
                  Forms.csrf(context),
                  Forms.area("报告正文", "text", value: text, rows: 12, form: "r"),
                  .div(.class("field wide"), .label(.for("r-file"), "或上传文本文件(UTF-8)"), .input(.id("r-file"), .type(.file), .name("file"))),
                  Forms.submit("识别"))),
            .unwrap(draft) { d in
                .form(.class("action wide"), .method(.post), .action(HTMLText.escape(SiteURL.reportImport.path + "/create")),
                      Forms.csrf(context),
                      .h2("核对识别结果"),
                      .p(.class("sub"), .text(HTMLText.escape(figures(d.figures)))),
                      Forms.field("督察名称", "inspection[title]", value: "", required: true, form: "r"),
                      Forms.select("级别", "inspection[level]", options: InspectionLevel.allCases.map { ($0.rawValue, $0.label) }, selected: "central", form: "r"),
                      Forms.field("轮次", "inspection[round]", type: .number, value: "", form: "r"),
                      Forms.select("类型", "inspection[kind]", options: InspectionKind.allCases.map { ($0.rawValue, $0.label) }, selected: "routine", form: "r"),
                      Forms.field("督察组", "inspection[team]", value: "", required: true, form: "r"),
                      Forms.field("被督察地区代码", "inspection[targetRegionCode]", type: .number, value: "", required: true, form: "r"),
                      Forms.select("各任务的责任单位(可在任务中调整)", "responsibleUnitID", options: units.map { (String($0.0), $0.1) }, selected: nil, form: "r"),
                      Forms.field("限期整改任务的整改时限", "deadline", type: .date, value: "", form: "r"),
                      .table(.class("ledger"),
                             .thead(.tr(.th("编号"), .th("问题"), .th("进展"), .th("长期坚持"), .th("措施"))),
                             .tbody(.forEach(Array(d.problems.enumerated())) { i, p in problemRow(i, p) })),
                      Forms.submit("建立督察"))
            }
        )
    }

    func problemRow(_ i: Int, _ p: ReportParser.Problem) -> Node<HTML.TableContext> {
        let number: Node<HTML.BodyContext> = .input(.type(.number), .name(HTMLText.escape("problems[\(i)][number]")), .value(String(p.number)), .class("narrow"))
        let text: Node<HTML.BodyContext> = .textarea(.name(HTMLText.escape("problems[\(i)][text]")), .attribute(named: "rows", value: "3"), .text(HTMLText.escape(p.text)))
        let status: Node<HTML.BodyContext> = .select(.attribute(named: "name", value: HTMLText.escape("problems[\(i)][status]")),
                                                     .forEach(statusOptions) { v, l in .choice(v, l, selected: v == p.status.rawValue) })
        let longTerm: Node<HTML.BodyContext> = .select(.attribute(named: "name", value: HTMLText.escape("problems[\(i)][longTerm]")), .choice("false", "否", selected: !p.longTerm),
                                                       .choice("true", "是", selected: p.longTerm))
        let measures: Node<HTML.BodyContext> = .textarea(.name(HTMLText.escape("problems[\(i)][measures]")), .attribute(named: "rows", value: "3"), .text(HTMLText.escape(p.measures)))
        return .tr(.td(number), .td(text), .td(status, .div(.class("sub"), .text(HTMLText.escape(p.statusText)))), .td(longTerm), .td(measures))
    }

    /// The statuses a report states (its words from PublicStatus), or none written.
    let statusOptions: [(String, String)] = [PublicStatus.completed, .basicallyCompleted, .onSchedule, .behindSchedule, .inProgress]
        .map { ($0.rawValue, $0.label) } + [("unknown", "未写明")]

    func figures(_ f: ReportParser.Figures) -> String {
        let parts: [(String, Int?)] = [("整改任务", f.tasksTotal), ("已完成", f.completed), ("基本完成", f.basicallyCompleted),
                                       ("达到序时进度", f.onSchedule), ("未达到序时进度", f.behindSchedule), ("信访件", f.petitionsTotal),
                                       ("已办结", f.petitionsClosed)]
        let stated = parts.compactMap { n, v in v.map { "\(n) \($0)" } }
        return "报告中的统计数字:" + (stated.isEmpty ? "无" : stated.joined(separator: ",")) + "。"
    }
}
