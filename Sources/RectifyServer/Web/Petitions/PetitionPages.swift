import Fluent
import Plot
import Vapor
import RectifyCore

/// 信访件 (issue 13 §1): batches and their cases for the office, leaders and the units
/// the cases are given to; a case's page with its handling and the form to report it.
enum PetitionPagesController {
    static func list(req: Request) async throws -> Response {
        let access = try await req.access()
        let batches = try await PetitionAPI.cachedBatches(req, access)
        let cases = try await PetitionAPI.list(req: req)
        let units = try await unitNames(cases.items.flatMap(\.unitIDs), on: req.db)
        return PetitionListView(context: PageContext(req, section: .petitions), batches: batches, cases: cases, units: units,
                                filter: try PetitionAPI.filter(req)).response()
    }

    static func unitNames(_ ids: [Int], on db: any Database) async throws -> [Int: String] {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return [:] }
        return Dictionary(try await Unit.query(on: db).filter(\.$id ~~ unique).all().map { ($0.id ?? 0, $0.name) },
                          uniquingKeysWith: { a, _ in a })
    }

    static func show(req: Request) async throws -> Response { try await page(req, state: nil) }

    static func page(_ req: Request, state: FormState?) async throws -> Response {
        let (c, units, access) = try await PetitionAPI.readable(req)
        let out = try await PetitionAPI.outs([c], access: access, on: req.db)[0]
        let names = try await unitNames(units, on: req.db)
        let repeats = out.repeatOf.isEmpty ? [] : try await PetitionCase.query(on: req.db).filter(\.$id ~~ out.repeatOf).sort(\.$id).all()
        let rules = PetitionAccess(access: access)
        // The office may link the case to a task of its inspection.
        var tasks: [(Int, String)] = []
        if rules.canManage(region: c.regionCode), let batch = try await PetitionBatch.find(c.$batch.id, on: req.db) {
            tasks = try await TaskRecord.query(on: req.db).filter(\.$inspection.$id == batch.$inspection.id)
                .filter(\.$parentTask.$id == nil).sort(\.$number).limit(2_000).all()
                .map { ($0.id ?? 0, "\($0.number). \($0.title)") }
        }
        let linked = try await c.$task.get(on: req.db).map { "\($0.number). \($0.title)" }
        return PetitionCaseView(context: PageContext(req, section: .petitions), c: out, units: units.map { names[$0] ?? "" },
                                repeats: repeats.map { ($0.id ?? 0, $0.caseNumber, $0.status.label) },
                                canReport: rules.canReport(region: c.regionCode, units: units) && c.status != .concluded,
                                tasks: tasks, linkedTask: linked, state: state).response()
    }

    static func progress(req: Request) async throws -> Response {
        let id = try req.intParameter("id")
        let access = try await req.access()
        return try await WebForm.handle(req, form: "progress", success: "办理情况已保存", redirect: { SiteURL.petitionCase(id).path }, action: {
            _ = try await PetitionService.progress(id, try req.form(PetitionService.Progress.self),
                                                   access: access, clock: req.application.clock, on: req.db)
        }, page: { try await page(req, state: $0) })
    }

    static func link(req: Request) async throws -> Response {
        let id = try req.intParameter("id")
        let access = try await req.access()
        struct Form: Decodable { var version: Int; var taskID: String? }
        return try await WebForm.handle(req, form: "link", success: "关联已保存", redirect: { SiteURL.petitionCase(id).path }, action: {
            let form = try req.form(Form.self)
            let task: Int?
            if let text = form.taskID, !text.isEmpty {
                guard let n = Int(text) else {
                    throw ValidationFailure([.init("petition.taskUnknown", field: "taskID", "关联的整改任务不属于本次督察")])
                }
                task = n
            } else { task = nil }
            _ = try await PetitionService.link(id, .init(version: form.version, taskID: task), access: access,
                                               clock: req.application.clock, on: req.db)
        }, page: { try await page(req, state: $0) })
    }
}

struct PetitionListView: PageView {
    let context: PageContext
    let batches: [PetitionAPI.BatchOut]
    let cases: Paged<PetitionAPI.CaseOut>
    let units: [Int: String]
    let filter: PetitionAPI.Filter
    var title: String { "信访件" }

    func link(page: Int) -> String {
        SiteURL.petitions.with([("batch", filter.batch.map(String.init)), ("status", filter.status?.rawValue),
                                ("page", String(page))])
    }

    /// The newest batches on the page; every batch counts in the summary above it.
    static let batchesShown = 100

    var batchTable: Node<HTML.BodyContext> {
        let shown = batches.suffix(Self.batchesShown)
        return .section(.class("panel"),
                 .h2("交办批次"),
                 .if(batches.isEmpty, .p(.class("empty"), .words("还没有交办批次。"))),
                 .if(batches.count > shown.count, .p(.class("sub"), .words("共 \(batches.count) 批,列出最近的 \(shown.count) 批;下方的件可按批次筛选。"))),
                 .if(!batches.isEmpty, .table(.class("ledger"),
                    .thead(.tr(.th("批次"), .th("交办日期"), .th("办理期限"), .th(.class("num"), .words("件数")),
                               .th(.words(PetitionStatus.allCases.map(\.label).joined(separator: " / "))))),
                    .tbody(.forEach(Array(shown)) { b in batchRow(b) }))))
    }

    func batchRow(_ b: PetitionAPI.BatchOut) -> Node<HTML.TableContext> {
        let counts = PetitionStatus.allCases.map { String(b.byStatus[$0.rawValue] ?? 0) }.joined(separator: " / ")
        let href = HTMLText.escape(SiteURL.petitions.with([("batch", String(b.id))]))
        return .tr(.td(.a(.href(href), .words("第\(b.number)批"))), .td(.words(Fmt.date(b.handedOverOn))), .td(.words(Fmt.date(b.replyBy))),
                   .td(.class("num"), .words(String(b.cases))), .td(.words(counts)))
    }

    var filterForm: Node<HTML.BodyContext> {
        .form(.class("filters"), .method(.get), .action(SiteURL.petitions.path),
              .unwrap(filter.batch) { .input(.type(.hidden), .name("batch"), .value(String($0))) },
              Forms.select("办理状态", "status", options: PetitionStatus.allCases.map { ($0.rawValue, $0.label) },
                           selected: filter.status?.rawValue, form: "petition", blank: "全部"),
              .div(.class("actions"), .button(.type(.submit), .class("secondary"), .words("筛选"))))
    }

    func caseRow(_ c: PetitionAPI.CaseOut) -> Node<HTML.TableContext> {
        let kinds = c.pollutionKinds.map(\.label).joined(separator: "、")
        let names = c.unitIDs.compactMap { units[$0] }.joined(separator: "、")
        let number: Node<HTML.BodyContext> = .a(.href(SiteURL.petitionCase(c.id).path), .words(c.caseNumber))
        let key: Node<HTML.BodyContext> = c.keyCase ? .span(.class("tag"), .words("重点")) : .empty
        let repeated: Node<HTML.BodyContext> = c.repeatOf.isEmpty ? .empty : .span(.class("tag"), .words("重复举报"))
        return .tr(.td(number, key, repeated), .td(.words(c.place)), .td(.words(kinds)), .td(.words(names)),
                   .td(.words(Fmt.date(c.dueDate))), .td(.words(c.status.label)), .td(.words(c.finding?.label ?? "—")))
    }

    var caseTable: Node<HTML.BodyContext> {
        .div(.class("scroll"), .table(.class("ledger"),
            .thead(.tr(.th("受理编号"), .th("被举报对象"), .th("污染类型"), .th("办理单位"), .th("期限"), .th("状态"), .th("核实"))),
            .tbody(.forEach(cases.items) { caseRow($0) })))
    }

    var pager: Node<HTML.BodyContext> {
        let pages = max(1, (cases.total + cases.per - 1) / cases.per)
        return .nav(.class("pager"),
                    .if(cases.page > 1, .a(.href(HTMLText.escape(link(page: cases.page - 1))), .words("上一页"))),
                    .span(.words("第 \(cases.page) / \(pages) 页")),
                    .if(cases.page < pages, .a(.href(HTMLText.escape(link(page: cases.page + 1))), .words("下一页"))))
    }

    /// The batches' cases by status, and the closure rate, over what this user may read.
    var summary: String {
        var by: [String: Int] = [:]
        for b in batches { for (k, n) in b.byStatus { by[k, default: 0] += n } }
        let total = by.values.reduce(0, +)
        guard total > 0 else { return "" }
        let concluded = by[PetitionStatus.concluded.rawValue] ?? 0
        return "交办 \(total) 件:" + PetitionStatus.allCases.reversed().map { "\($0.label) \(by[$0.rawValue] ?? 0) 件" }.joined(separator: "、")
            + ";办结率 \(concluded * 100 / total)%。"
    }

    var content: Node<HTML.BodyContext> {
        .div(.h1("信访举报件"), .p(.class("lead"), .words(summary)), batchTable, filterForm, .p(.words("共 \(cases.total) 件")), caseTable, pager)
    }
}

struct PetitionCaseView: PageView {
    let context: PageContext
    let c: PetitionAPI.CaseOut
    let units: [String]
    let repeats: [(Int, String, String)]
    let canReport: Bool
    /// The inspection's tasks, when this user may link the case to one.
    let tasks: [(Int, String)]
    let linkedTask: String?
    let state: FormState?
    var title: String { "信访件 \(c.caseNumber)" }

    func value(_ name: String, _ fallback: String) -> String { state?.value(name, fallback) ?? fallback }

    var content: Node<HTML.BodyContext> {
        let figures: [(String, String)] = [
            ("调查核实", c.finding?.label ?? "—"), ("立案处罚企业", String(c.finedCompanies)), ("罚款(元)", String(c.fineYuan)),
            ("责令整改", c.orderedRectification ? "是" : "否"),
            ("行政拘留", String(c.detained)), ("约谈", String(c.summoned)), ("问责", String(c.heldToAccount)),
            ("回访", c.followUp?.label ?? "—"),
        ]
        return .div(
            .p(.class("crumbs"), .a(.href(SiteURL.petitions.path), .words("信访件"))),
            .h1(.words("\(c.caseNumber) \(c.place)")),
            .div(.class("badges"), .span(.class("state"), .words(c.status.label)),
                 .if(c.keyCase, .span(.class("tag"), .words("重点案件"))),
                 .span(.class("tag"), .words(c.source.label))),
            .section(.class("panel"),
                     .h2("交办问题基本情况"),
                     .p(.class("pre"), .words(c.complaint)),
                     .p(.class("sub"), .words("污染类型:\(c.pollutionKinds.map(\.label).joined(separator: "、"));办理单位:\(units.joined(separator: "、"));办理期限:\(Fmt.date(c.dueDate))")),
                     .unwrap(c.taskID) { .p(.words("关联的整改任务:"), .a(.href(SiteURL.task($0).path), .words(linkedTask ?? "任务 \($0)"))) },
                     .unwrap(c.complainant) { p in
                         .p(.class("sub"), .words("举报人(仅整改办和办理单位可见):" + [p.name, p.phone, p.idNumber, p.address]
                            .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ",")))
                     }),
            .if(!repeats.isEmpty, .section(.class("panel"),
                .h2("重复举报"),
                .p(.words("此前同一对象被举报过:")),
                .ul(.forEach(repeats) { r in .li(.a(.href(SiteURL.petitionCase(r.0).path), .words("\(r.1)(\(r.2))"))) }))),
            .section(.class("panel"),
                     .h2("办理情况"),
                     .p(.class("pre"), .words(c.findings.isEmpty ? "尚未填报核查情况。" : "调查核实情况:" + c.findings)),
                     .if(!c.measures.isEmpty, .p(.class("pre"), .words("处理和整改情况:" + c.measures))),
                     .table(.class("figures"), .tbody(.forEach(figures) { k, v in .tr(.th(.words(k)), .td(.words(v))) })),
                     .unwrap(c.concludedOn) { .p(.words("办结日期:\(Fmt.date($0))")) }),
            .if(canReport, .section(.class("panel"),
                .h2("填报办理情况"),
                .form(.class("action wide"), .method(.post), .action(SiteURL.petitionProgress(c.id).path),
                      Forms.csrf(context),
                      Forms.message(state, "progress"),
                      .input(.type(.hidden), .name("version"), .value(String(c.version))),
                      Forms.select("办理状态", "status", options: PetitionStatus.allCases.filter { $0 >= c.status }.map { ($0.rawValue, $0.label) },
                                   selected: value("status", c.status == .pending ? PetitionStatus.handling.rawValue : c.status.rawValue),
                                   error: state?.error("status"), form: "progress"),
                      Forms.select("调查核实", "finding", options: PetitionFinding.allCases.map { ($0.rawValue, $0.label) },
                                   selected: value("finding", c.finding?.rawValue ?? ""), error: state?.error("finding"), form: "progress",
                                   blank: "请选择"),
                      Forms.area("调查核实情况", "findings", value: value("findings", c.findings), rows: 3,
                                 error: state?.error("findings"), form: "progress"),
                      Forms.area("处理和整改情况", "measures", value: value("measures", c.measures), rows: 3,
                                 error: state?.error("measures"), form: "progress"),
                      Forms.field("立案处罚企业(家)", "finedCompanies", type: .number, value: value("finedCompanies", String(c.finedCompanies)),
                                  error: state?.error("finedCompanies"), form: "progress"),
                      Forms.field("罚款(元)", "fineYuan", type: .number, value: value("fineYuan", String(c.fineYuan)),
                                  error: state?.error("fineYuan"), form: "progress"),
                      Forms.select("责令整改", "orderedRectification", options: [("false", "否"), ("true", "是")],
                                   selected: value("orderedRectification", String(c.orderedRectification)), form: "progress"),
                      Forms.field("行政拘留(人)", "detained", type: .number, value: value("detained", String(c.detained)),
                                  error: state?.error("detained"), form: "progress"),
                      Forms.field("约谈(人)", "summoned", type: .number, value: value("summoned", String(c.summoned)),
                                  error: state?.error("summoned"), form: "progress"),
                      Forms.field("问责(人)", "heldToAccount", type: .number, value: value("heldToAccount", String(c.heldToAccount)),
                                  error: state?.error("heldToAccount"), form: "progress"),
                      Forms.select("回访", "followUp", options: FollowUp.allCases.map { ($0.rawValue, $0.label) },
                                   selected: value("followUp", c.followUp?.rawValue ?? ""), form: "progress", blank: "未回访"),
                      Forms.submit("保存")))),
            .if(!tasks.isEmpty, .section(.class("panel"),
                .h2("关联整改任务"),
                .p(.class("sub"), .words("需要长期整改的,关联到本次督察的整改任务;任务页会列出它的信访件。")),
                .form(.class("action"), .method(.post), .action(SiteURL.petitionLink(c.id).path),
                      Forms.csrf(context),
                      Forms.message(state, "link"),
                      .input(.type(.hidden), .name("version"), .value(String(c.version))),
                      Forms.select("整改任务", "taskID", options: tasks.map { (String($0.0), $0.1) },
                                   selected: value("taskID", c.taskID.map(String.init) ?? ""), error: state?.error("taskID"),
                                   form: "link", blank: "不关联"),
                      Forms.submit("保存关联"))))
        )
    }
}
