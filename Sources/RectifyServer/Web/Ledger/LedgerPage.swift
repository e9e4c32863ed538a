import Fluent
import Plot
import SQLKit
import Vapor
import RectifyCore

/// 总账 / 分账 (issue 4 §2): the task table with every filter in the URL, so a view can
/// be bookmarked and shared. The scope is the user's: an office sees its region, a
/// unit its own tasks (分账), an acceptor the tasks it accepts.
struct LedgerModel {
    struct Row {
        let id: Int
        /// 编号: 22, or 22-3 for a sub-task.
        let code: String
        let title: String
        let inspection: String
        /// Where a sub-task came from (由辽宁省分解), and how many parts a task was split into.
        let origin: String?
        let parts: Int
        let region: String
        let responsible: String
        let state: String
        let status: String?
        let light: String?
        let deadline: String?
        let kind: String
        let extended: Bool
    }
    var filter: LedgerQuery.Filter
    var rows: [Row]
    var total: Int
    var page: Int
    var per: Int
    var inspections: [(Int, String)]
    var regions: [(Int, String)]
    var byLight: [String: Int]
}

enum LedgerPageController {
    static func show(req: Request) async throws -> Response {
        let access = try await req.access()
        var filter: LedgerQuery.Filter
        filter = try LedgerQuery.Filter.decode(from: req)
        if filter.q?.isEmpty == true { filter.q = nil }
        let context = PageContext(req, section: .ledger)
        // Below the header the page is the same for every viewer of the scope (its roles, unit
        // and region): the first pages of a filter are written once per change of the data.
        // The header (name, unread count, the logout form's token) is each user's own.
        if LedgerQuery.cachesPage(filter) {
            let key = "ledger.html|" + LedgerQuery(access: access).pageKey(filter)
            let body = try await req.cachedAggregate(key) { [filter] in
                CachedBody(LedgerView(context: context.shared, model: try await load(filter, access: access, req: req)))
            }
            return WrittenPage(context: context, body: body).response()
        }
        let model = try await load(filter, access: access, req: req)
        return LedgerView(context: context, model: model).response()
    }

    /// Three statements: the data's change marker, the page, and its responsible units;
    /// the total, the light chips and the inspections menu are the scope's, cached.
    static func load(_ filter: LedgerQuery.Filter, access: Access, req: Request) async throws -> LedgerModel {
        let db = req.db
        let query = LedgerQuery(access: access)
        let (page, tally) = try await query.cachedList(filter, req: req)
        // Plain rows, not Fluent models: filling a model reflects over its fields, which was a
        // fifth of this page's time.
        struct Responsible: Decodable { let task: Int; let name: String }
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let responsible = page.items.isEmpty ? [] : try await sql.raw("""
            SELECT tu.task_id AS task, u.name FROM task_units tu JOIN units u ON u.id = tu.unit_id \
            WHERE tu.task_id IN (\(binds: page.items.map(\.id))) AND tu.role = \(bind: UnitRole.responsible.rawValue) ORDER BY tu.id
            """).all(decoding: Responsible.self)
        var names: [Int: [String]] = [:]
        for r in responsible { names[r.task, default: []].append(r.name) }
        let inspections = try await req.cachedAggregate("ledger.inspections|\(access.scopeKey)") { try await inspectionMenu(query, on: db) }
        let titles = Dictionary(inspections.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        var regionCodes: [Int] = []
        if access.isAdmin {
            regionCodes = RegionCatalog.all.filter { $0.code % 10_000 == 0 }.map(\.code)
        } else if let range = access.oversight {
            regionCodes = RegionCatalog.all.map(\.code).filter { range.contains($0) && ($0 % 100 == 0) }
        }
        let rows = page.items.map { t in
            LedgerModel.Row(
                id: t.id, code: t.code, title: t.title, inspection: titles[t.inspectionID] ?? "",
                origin: t.parentTaskID == nil ? nil
                    : "由\(t.parentRegionCode.flatMap { RegionCatalog.byCode[$0]?.name } ?? "上级")分解",
                parts: t.subtasksTotal,
                region: t.regionCode.flatMap { RegionCatalog.byCode[$0]?.name } ?? "",
                responsible: (names[t.id] ?? []).joined(separator: "、"),
                state: t.state.rawValue, status: t.progressStatus?.rawValue, light: t.light?.rawValue, deadline: t.deadline,
                kind: t.kind.rawValue, extended: t.deadline != nil && t.originalDeadline != nil && t.deadline != t.originalDeadline)
        }
        return LedgerModel(filter: filter, rows: rows, total: page.total, page: page.page, per: page.per,
                           inspections: inspections,
                           regions: regionCodes.compactMap { c in RegionCatalog.byCode[c].map { (c, $0.name) } },
                           byLight: tally?.byLight ?? [:])
    }

    /// The inspections this user has tasks in, for the filter menu.
    static func inspectionMenu(_ query: LedgerQuery, on db: any Database) async throws -> [(Int, String)] {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let access = query.access
        struct I: Decodable { let id: Int; let title: String }
        let inspections: [I]
        if access.isAdmin || access.roles.contains(.office) || access.roles.contains(.leader), !access.isAdmin, let range = access.oversight {
            // An overseer's inspections are those of its region: no need to read its tasks.
            let province = range.lowerBound / 10_000 * 10_000
            inspections = try await Inspection.query(on: db).filter(\.$targetRegion.$id >= province).filter(\.$targetRegion.$id <= province + 9_999)
                .sort(\.$id).all().map { I(id: $0.id!, title: $0.title) }
        } else if access.isAdmin {
            inspections = try await Inspection.query(on: db).sort(\.$id).all().map { I(id: $0.id!, title: $0.title) }
        } else {
            inspections = try await sql.raw("""
                SELECT inspections.id, inspections.title FROM inspections WHERE inspections.id IN \
                (SELECT DISTINCT tasks.inspection_id FROM tasks WHERE \(query.scope)) ORDER BY inspections.id
                """).all(decoding: I.self)
        }
        return inspections.map { ($0.id, $0.title) }
    }

    /// The filter as query items, for links that keep it (sort, pages, exports).
    static func items(_ f: LedgerQuery.Filter) -> [(String, String?)] {
        [("inspection", f.inspection.map(String.init)), ("region", f.region.map(String.init)), ("unit", f.unit.map(String.init)),
         ("state", f.state?.rawValue), ("light", f.light?.rawValue), ("status", f.status?.rawValue), ("kind", f.kind?.rawValue),
         ("tag", f.tag?.rawValue), ("deadlineFrom", f.deadlineFrom?.iso), ("deadlineTo", f.deadlineTo?.iso), ("q", f.q),
         ("extended", f.extended == true ? "true" : nil), ("parent", f.parent.map(String.init)),
         ("subtasks", f.subtasks == true ? "true" : nil), ("sort", f.sort), ("per", f.per.map(String.init))]
    }
}

struct LedgerView: PageView {
    let context: PageContext
    let model: LedgerModel
    var title: String { context.oversees ? "总账" : "我的台账" }

    func link(_ change: (inout LedgerQuery.Filter) -> Void) -> String {
        var f = model.filter
        change(&f)
        return SiteURL.ledger.with(LedgerPageController.items(f) + [("page", f.page.map(String.init))])
    }

    /// The table's rows, written straight (`HTMLWriter`): they are most of the page.
    var rows: String {
        var w = HTMLWriter(capacity: 600 * model.rows.count)
        for r in model.rows {
            w.open("tr")
            w.element("td", class: "num", text: r.code)
            w.open("td")
            w.element("a", href: SiteURL.task(r.id).path, text: r.title)
            if r.parts > 0 {
                w.element("a", class: "tag", href: SiteURL.ledger.with([("parent", String(r.id))]), text: "分解 \(r.parts) 项")
            }
            w.close("td")
            w.open("td")
            w.element("span", class: "sub", text: r.inspection)
            if let origin = r.origin { w.element("span", class: "tag", text: origin) }
            w.close("td")
            w.element("td", text: r.region)
            w.element("td", text: r.responsible)
            w.element("td", text: Fmt.state(r.state))
            w.element("td", text: Fmt.status(r.status))
            w.open("td")
            w.light(r.light)
            w.close("td")
            w.open("td")
            w.text(Fmt.deadline(r.deadline, kind: r.kind))
            if r.extended { w.element("span", class: "tag", text: "已延期") }
            w.close("td")
            w.close("tr")
        }
        return w.html
    }

    var content: Node<HTML.BodyContext> {
        let f = model.filter
        let pages = max(1, (model.total + model.per - 1) / model.per)
        return .div(
            .div(.class("titlebar"),
                 .h1(.words(title)),
                 .div(.class("tools"),
                      .a(.class("button"), .href(HTMLText.escape(SiteURL.exportXLSX.with(LedgerPageController.items(f)))), .words("导出 Excel")),
                      .a(.class("button"), .href(HTMLText.escape(SiteURL.exportCSV.with(LedgerPageController.items(f)))), .words("导出 CSV")))),
            .form(.class("filters"), .method(.get), .action(SiteURL.ledger.path),
                  Forms.select("督察", "inspection", options: model.inspections.map { (String($0.0), $0.1) },
                               selected: f.inspection.map(String.init), blank: "全部"),
                  .if(!model.regions.isEmpty, Forms.select("地区", "region", options: model.regions.map { (String($0.0), $0.1) },
                                                           selected: f.region.map(String.init), blank: "全部")),
                  Forms.select("状态", "state", options: TaskState.allCases.map { ($0.rawValue, $0.label) }, selected: f.state?.rawValue, blank: "全部"),
                  Forms.select("预警", "light", options: WarningLight.allCases.map { ($0.rawValue, $0.label) }, selected: f.light?.rawValue, blank: "全部"),
                  Forms.select("完成情况", "status", options: PublicStatus.allCases.map { ($0.rawValue, $0.label) }, selected: f.status?.rawValue, blank: "全部"),
                  Forms.select("类型", "kind", options: TaskKind.allCases.map { ($0.rawValue, $0.label) }, selected: f.kind?.rawValue, blank: "全部"),
                  Forms.select("领域", "tag", options: DomainTag.allCases.map { ($0.rawValue, $0.label) }, selected: f.tag?.rawValue, blank: "全部"),
                  Forms.field("时限自", "deadlineFrom", type: .date, value: f.deadlineFrom?.iso ?? ""),
                  Forms.field("时限至", "deadlineTo", type: .date, value: f.deadlineTo?.iso ?? ""),
                  Forms.field("任务名称含", "q", type: .search, value: f.q ?? ""),
                  Forms.select("范围", "subtasks", options: [("", "本级任务(分解的子任务按上级汇总)"), ("true", "含各级子任务")],
                               selected: f.subtasks == true ? "true" : ""),
                  .unwrap(f.parent) { .input(.type(.hidden), .name("parent"), .value(String($0))) },
                  Forms.select("排序", "sort", options: [("", "按序号"), ("deadline", "按整改时限"), ("light", "红灯在前"), ("updated", "最近更新")],
                               selected: f.sort ?? ""),
                  .div(.class("actions"), .button(.type(.submit), .class("primary"), .words("筛选")),
                       .a(.href(SiteURL.ledger.path), .words("清除")))),
            .unwrap(f.parent) { parent in
                .p(.class("sub"), .words("正在查看任务分解的子任务。"), .a(.href(SiteURL.task(parent).path), .words("回到该任务")))
            },
            .p(.class("counts"),
               .words("共 \(model.total) 项"),
               .forEach(model.byLight.isEmpty ? [] : WarningLight.allCases.reversed()) { l in
                   .a(.class("chip \(l.rawValue)"), .href(HTMLText.escape(link { $0.light = l; $0.page = nil })), .words("\(l.label) \(model.byLight[l.rawValue] ?? 0)"))
               }),
            .if(model.rows.isEmpty, .p(.class("empty"), .words("没有符合条件的任务。"))),
            .if(!model.rows.isEmpty, .div(.class("scroll"), .table(
                .class("ledger"),
                .thead(.tr(.th(.class("num"), .words("序号")), .th("整改任务"), .th("督察"), .th("地区"), .th("责任单位"),
                           .th("状态"), .th("完成情况"), .th("预警"), .th("整改时限"))),
                .tbody(.raw(rows))
            ))),
            .nav(.class("pager"), .attribute(named: "aria-label", value: "分页"),
                 .if(model.page > 1, .a(.href(HTMLText.escape(link { $0.page = model.page - 1 })), .words("上一页"))),
                 .span(.words("第 \(model.page) / \(pages) 页")),
                 .if(model.page < pages, .a(.href(HTMLText.escape(link { $0.page = model.page + 1 })), .words("下一页"))))
        )
    }
}
