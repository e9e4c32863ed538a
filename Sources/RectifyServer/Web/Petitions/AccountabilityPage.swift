import Fluent
import Plot
import Vapor
import RectifyCore

/// 责任追究 (issue 13 §4): the register for discipline inspection, who writes it, and for
/// the office and leaders over the region, who read it.
enum AccountabilityPagesController {
    static func show(req: Request) async throws -> Response { try await page(req, state: nil) }

    static func page(_ req: Request, state: FormState?) async throws -> Response {
        let access = try await req.access()
        guard access.isAdmin || access.roles.contains(.discipline) || access.roles.contains(.office) || access.roles.contains(.leader) else {
            throw AppError.forbidden
        }
        let list = try await AccountabilityAPI.list(req: req)
        let inspections = try await Inspection.query(on: req.db).sort(\.$id).all()
        let counts = try await AccountabilityAPI.counts(inspectionID: nil, on: req.db)
        return AccountabilityView(context: PageContext(req, section: .accountability), cases: list.items, counts: counts,
                                  inspections: inspections.map { ($0.id ?? 0, $0.title) },
                                  canWrite: access.roles.contains(.discipline), state: state).response()
    }

    struct CaseForm: Decodable {
        var inspectionID: Int
        var source: LeadSource
        var summary: String?
        var receivedOn: LocalDate
    }

    static func create(req: Request) async throws -> Response {
        let access = try await req.access()
        return try await WebForm.handle(req, form: "lead", success: "问题线索已登记", redirect: { SiteURL.accountability.path }, action: {
            let f = try req.form(CaseForm.self)
            _ = try await AccountabilityService.create(.init(inspectionID: f.inspectionID, source: f.source, summary: f.summary ?? "",
                                                             receivedOn: f.receivedOn),
                                                       access: access, clock: req.application.clock, on: req.db)
        }, page: { try await page(req, state: $0) })
    }

    static func addPerson(req: Request) async throws -> Response {
        let access = try await req.access()
        let id = try req.intParameter("id")
        return try await WebForm.handle(req, form: "person-\(id)", success: "被追责人员已登记", redirect: { SiteURL.accountability.path }, action: {
            let f = try req.form(AccountabilityService.NewPerson.self)
            _ = try await AccountabilityService.addPerson(id, f, access: access, clock: req.application.clock, on: req.db)
        }, page: { try await page(req, state: $0) })
    }
}

struct AccountabilityView: PageView {
    let context: PageContext
    let cases: [AccountabilityAPI.CaseOut]
    let counts: AccountabilityAPI.Counts
    let inspections: [(Int, String)]
    let canWrite: Bool
    let state: FormState?
    var title: String { "责任追究" }

    func personForm(_ c: AccountabilityAPI.CaseOut) -> Node<HTML.BodyContext> {
        let f = "person-\(c.id)"
        return .form(.class("action wide"), .method(.post), .action(SiteURL.accountabilityPeople(c.id).path),
                     Forms.csrf(context), Forms.message(state, f),
                     Forms.field("姓名", "name", required: true, error: state?.isFor(f) == true ? state?.error("name") : nil, form: f),
                     Forms.field("职务", "post", required: true, error: state?.isFor(f) == true ? state?.error("post") : nil, form: f),
                     Forms.select("级别", "rank", options: OfficialRank.allCases.map { ($0.rawValue, $0.label) }, selected: nil, form: f),
                     Forms.field("单位", "organisation", required: true, form: f),
                     Forms.select("处理方式", "measure", options: AccountabilityMeasure.allCases.map { ($0.rawValue, $0.label) }, selected: nil, form: f),
                     Forms.field("处理日期", "decidedOn", type: .date, required: true, form: f),
                     Forms.submit("登记", style: "secondary"))
    }

    func entry(_ c: AccountabilityAPI.CaseOut) -> Node<HTML.BodyContext> {
        .article(.class("entry"),
                 .p(.strong(.words("\(c.source.label) \(Fmt.date(c.receivedOn))")), .words(" " + c.summary)),
                 .if(!c.taskIDs.isEmpty, .p(.class("sub"), .words("关联任务:"), .forEach(c.taskIDs) { .a(.href(SiteURL.task($0).path), .words(" #\($0)")) })),
                 .if(!c.petitionIDs.isEmpty, .p(.class("sub"), .words("关联信访件:"),
                                               .forEach(c.petitionIDs) { .a(.href(SiteURL.petitionCase($0).path), .words(" #\($0)")) })),
                 .ul(.forEach(c.people) { p in
                     .li(.words("\(p.name),\(p.organisation)\(p.post)(\(p.rank.label)),\(p.measure.label),\(Fmt.date(p.decidedOn))"))
                 }),
                 .if(canWrite, personForm(c)))
    }

    var content: Node<HTML.BodyContext> {
        let measures = AccountabilityMeasure.allCases.compactMap { m in counts.byMeasure[m.rawValue].map { "\(m.label) \($0) 人" } }
        return .div(
            .h1("责任追究"),
            .p(.class("lead"), .words("问题线索 \(counts.cases) 条,被追责 \(counts.people) 人" + (measures.isEmpty ? "" : ":" + measures.joined(separator: "、")) + "。")),
            .if(canWrite, .section(.class("panel"),
                .h2("登记问题线索"),
                .form(.class("action wide"), .method(.post), .action(SiteURL.accountability.path),
                      Forms.csrf(context), Forms.message(state, "lead"),
                      Forms.select("督察", "inspectionID", options: inspections.map { (String($0.0), $0.1) }, selected: state?.value("inspectionID"),
                                   form: "lead"),
                      Forms.select("来源", "source", options: LeadSource.allCases.map { ($0.rawValue, $0.label) }, selected: state?.value("source"),
                                   form: "lead"),
                      Forms.area("问题线索", "summary", value: state?.value("summary") ?? "", required: true, rows: 3,
                                 error: state?.error("summary"), form: "lead"),
                      Forms.field("收到日期", "receivedOn", type: .date, value: state?.value("receivedOn") ?? "", required: true,
                                  error: state?.error("receivedOn"), form: "lead"),
                      Forms.submit("登记")))),
            .if(cases.isEmpty, .p(.class("empty"), .words("还没有登记的问题线索。"))),
            .forEach(cases) { entry($0) }
        )
    }
}
