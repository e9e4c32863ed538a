import Fluent
import Plot
import SQLKit
import Vapor
import RectifyCore

/// 首页: the user's scope at a glance (issue 4 §2).
struct DashboardModel: Sendable {
    struct Named { let name: String; let red: Int; let yellow: Int; let green: Int; let other: Int
        var total: Int { red + yellow + green + other } }
    struct Due { let id: Int; let number: Int; let title: String; let deadline: String; let light: String? }
    struct Order { let id: Int; let number: String; let unit: String; let replyBy: String; let replied: Bool }
    struct Round { let id: Int; let name: String; let dueDate: String; let owed: Int; let reported: Int; let late: Int; let missing: Int }

    var total = 0
    var byStatus: [String: Int] = [:]
    var byLight: [String: Int] = [:]
    var regions: [Named] = []
    var units: [Named] = []
    var closures: [(String, Int)] = []
    var due: [Due] = []
    var round: Round?
    var orders: [Order] = []
    var openOrders = 0
    var petitions = PetitionOverview()
    /// People held to account in the scope, by measure and by rank (no names).
    var accountability = Accountability()

    struct Accountability: Sendable {
        var people = 0
        var byMeasure: [AccountabilityMeasure: Int] = [:]
        var byRank: [OfficialRank: Int] = [:]
    }
}

enum DashboardPageController {
    static func show(req: Request) async throws -> Response {
        let access = try await req.access()
        let today = req.application.clock.today
        let db = req.db
        // Everything on the page is the same for everyone with this scope on this day, until
        // the data changes: computed once per change (AggregateCache), so a visit reads only
        // the change marker.
        // The body below the header too (its charts are most of the page's time); the header
        // (name, unread count, the logout form's token) is each user's own.
        let context = PageContext(req, section: .dashboard)
        let body = try await req.cachedAggregate("dashboard|\(access.scopeKey)|\(today.iso)") {
            let model = try await load(access: access, today: today, aggregates: try await Self.aggregates(access: access, today: today, on: db), on: db)
            return CachedBody(DashboardView(context: context.shared, model: model, today: today))
        }
        return WrittenPage(context: context, body: body).response()
    }

    /// What the page counts over the whole scope: statuses, lights, the regions' and the
    /// units' rankings, closures per month.
    struct Aggregates: Sendable {
        var total = 0
        var byStatus: [String: Int] = [:]
        var byLight: [String: Int] = [:]
        var regions: [DashboardModel.Named] = []
        var units: [DashboardModel.Named] = []
        var closures: [(String, Int)] = []
        var petitions = PetitionOverview()
        var accountability = DashboardModel.Accountability()
    }

    static func aggregates(access: Access, today: LocalDate, on db: any Database) async throws -> Aggregates {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        var m = Aggregates()
        let scope = LedgerQuery(access: access).conditions(LedgerQuery.Filter())

        // One statement, two groupings of the scope:
        // - region × light × status: the lights, the statuses and the regions' ranking (region
        //   names come from the catalogue, not a join);
        // - the units responsible for red or yellow tasks, most red first, found from the warned
        //   tasks alone (reading every task's units costs more than the rest of the page
        //   together at 100,000 tasks);
        // - the petition cases by status, key flag and timing (issue 13 §5), and the repeat
        //   complaints counted by place (an index walk, not a lookup per case);
        // - the people held to account by measure and rank.
        struct Group: Decodable { let part: String; let k: Int?; let name: String?; let light: String?; let status: String?; let n: Int }
        let petitionScope = PetitionAccess(access: access).scope
        let accountabilityScope = AccountabilityService.scope(access)
        let done: SQLQueryString = "COALESCE(c.stage_concluded_on, c.concluded_on)"
        let rows = try await sql.raw("""
            SELECT 'region' AS part, tasks.region_code AS k, CAST(NULL AS TEXT) AS name, tasks.light AS light, \
            tasks.progress_status AS status, COUNT(*) AS n FROM tasks \
            WHERE \(scope) GROUP BY tasks.region_code, tasks.light, tasks.progress_status \
            UNION ALL \
            SELECT 'unit' AS part, tu.unit_id AS k, u.name AS name, tasks.light AS light, CAST(NULL AS TEXT) AS status, COUNT(*) AS n \
            FROM tasks JOIN task_units tu ON tu.task_id = tasks.id AND tu.role = 'responsible' JOIN units u ON u.id = tu.unit_id \
            WHERE \(scope) AND tasks.light IN ('red', 'yellow') GROUP BY tu.unit_id, u.name, tasks.light \
            UNION ALL \
            SELECT 'petition' AS part, k, CAST(NULL AS TEXT) AS name, light, status, COUNT(*) AS n FROM (SELECT \
            CASE WHEN c.key_case THEN 1 ELSE 0 END AS k, \
            CASE WHEN \(done) IS NOT NULL THEN (CASE WHEN \(done) <= c.due_date THEN 'onTime' ELSE 'late' END) \
            WHEN c.due_date < \(bind: today.iso) THEN 'overdue' ELSE 'open' END AS light, \
            c.status AS status FROM petition_cases c WHERE \(petitionScope)) pc GROUP BY k, light, status \
            UNION ALL \
            SELECT 'petitionRepeat' AS part, CAST(NULL AS INTEGER) AS k, CAST(NULL AS TEXT) AS name, CAST(NULL AS TEXT) AS light, \
            CAST(NULL AS TEXT) AS status, CAST(COALESCE(SUM(r.n - 1), 0) AS BIGINT) AS n FROM (SELECT COUNT(*) AS n FROM petition_cases c \
            WHERE \(petitionScope) AND c.place_key <> '' GROUP BY c.place_key HAVING COUNT(*) > 1) r \
            UNION ALL \
            SELECT 'accountability' AS part, CAST(NULL AS INTEGER) AS k, p.measure AS name, p.rank AS light, \
            CAST(NULL AS TEXT) AS status, COUNT(*) AS n FROM accountability_people p JOIN accountability_cases a ON a.id = p.case_id \
            WHERE \(accountabilityScope) GROUP BY p.measure, p.rank
            """).all(decoding: Group.self)
        for r in rows where r.part == "petition" {
            guard let status = r.status.flatMap(PetitionStatus.init(rawValue:)) else { continue }
            m.petitions.add(status: status, key: r.k == 1, timing: r.light.flatMap(PetitionTiming.init(rawValue:)) ?? .open, count: r.n)
        }
        // Repeat complaints in the scope: of each place complained of n times, the n − 1 after the first.
        for r in rows where r.part == "petitionRepeat" { m.petitions.addRepeats(r.n) }
        for r in rows where r.part == "accountability" {
            m.accountability.people += r.n
            if let measure = r.name.flatMap(AccountabilityMeasure.init(rawValue:)) { m.accountability.byMeasure[measure, default: 0] += r.n }
            if let rank = r.light.flatMap(OfficialRank.init(rawValue:)) { m.accountability.byRank[rank, default: 0] += r.n }
        }
        let groups = rows.filter { $0.part == "region" }
        for g in groups {
            m.byStatus[g.status ?? LedgerQuery.Counts.noValue("progress_status"), default: 0] += g.n
            m.byLight[g.light ?? "none", default: 0] += g.n
            m.total += g.n
        }
        let regionLights = groups.map { (k: $0.k, light: $0.light, n: $0.n) }

        func ranked(_ rows: [(String, String?, Int)]) -> [DashboardModel.Named] {
            var by: [String: (Int, Int, Int, Int)] = [:]
            for (name, light, n) in rows {
                var v = by[name] ?? (0, 0, 0, 0)
                switch light {
                case "red": v.0 += n
                case "yellow": v.1 += n
                case "green": v.2 += n
                default: v.3 += n
                }
                by[name] = v
            }
            return by.map { .init(name: $0.key, red: $0.value.0, yellow: $0.value.1, green: $0.value.2, other: $0.value.3) }
                .sorted { ($0.red, $0.yellow, $0.total, $1.name) > ($1.red, $1.yellow, $1.total, $0.name) }
        }
        m.regions = Array(ranked(regionLights.map { (($0.k.flatMap { RegionCatalog.byCode[$0]?.name }) ?? "—", $0.light, $0.n) }).prefix(12))

        let warned = rows.compactMap { r in r.part == "unit" ? r.k.map { (k: $0, name: r.name ?? "—", light: r.light, n: r.n) } : nil }
        var score: [Int: (Int, Int)] = [:]
        var names: [Int: String] = [:]
        for w in warned {
            names[w.k] = w.name
            if w.light == "red" { score[w.k, default: (0, 0)].0 += w.n } else { score[w.k, default: (0, 0)].1 += w.n }
        }
        let top = score.sorted { ($0.value.0, $0.value.1, $1.key) > ($1.value.0, $1.value.1, $0.key) }.prefix(10)
        m.units = top.map { .init(name: names[$0.key] ?? "—", red: $0.value.0, yellow: $0.value.1, green: 0, other: 0) }

        // Closures per month, the last twelve months.
        struct C: Decodable { let month: String; let n: Int }
        let firstMonth = LocalDate(year: today.month == 12 ? today.year : today.year - 1, month: today.month % 12 + 1, day: 1)!
        let closures = try await sql.raw("""
            SELECT substr(e.at, 1, 7) AS month, COUNT(*) AS n FROM audit_events e JOIN tasks ON tasks.id = e.task_id \
            WHERE e.action = 'close' AND e.at >= \(bind: firstMonth.iso) AND \(scope) GROUP BY substr(e.at, 1, 7)
            """).all(decoding: C.self)
        let byMonth = Dictionary(closures.map { ($0.month, $0.n) }, uniquingKeysWith: +)
        m.closures = (0..<12).map { i in
            let month = (firstMonth.month - 1 + i) % 12 + 1
            let year = firstMonth.year + (firstMonth.month - 1 + i) / 12
            return (i == 0 || month == 1 ? "\(year)年\(month)月" : "\(month)月", byMonth[String(format: "%04d-%02d", year, month)] ?? 0)
        }

        return m
    }

    static func load(access: Access, today: LocalDate, aggregates a: Aggregates, on db: any Database) async throws -> DashboardModel {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        let q = LedgerQuery(access: access)
        var m = DashboardModel()
        (m.total, m.byStatus, m.byLight, m.regions, m.units, m.closures) = (a.total, a.byStatus, a.byLight, a.regions, a.units, a.closures)
        (m.petitions, m.accountability) = (a.petitions, a.accountability)

        // Deadlines in the next 30 days, open tasks only.
        var f = LedgerQuery.Filter()
        f.deadlineFrom = today
        f.deadlineTo = today.adding(days: 30)
        f.sort = "deadline"
        f.per = 10
        struct D: Decodable { let id: Int; let number: Int; let title: String; let deadline: String; let light: String? }
        m.due = try await sql.raw("""
            SELECT tasks.id, tasks.number, tasks.title, tasks.deadline, tasks.light FROM tasks WHERE \(q.conditions(f)) \
            AND tasks.state IN (\(binds: TaskState.awaitingCompletion.map(\.rawValue))) ORDER BY tasks.deadline, tasks.id LIMIT 10
            """).all(decoding: D.self).map { .init(id: $0.id, number: $0.number, title: $0.title, deadline: $0.deadline, light: $0.light) }

        // The current dispatch round in the user's region, and open supervision orders.
        if let range = access.oversight ?? (access.isAdmin ? 0...999_999 : nil), access.isAdmin || access.roles.contains(.office) || access.roles.contains(.leader) {
            let rounds = try await DispatchRound.query(on: db).filter(\.$closedAt == nil).sort(\.$openedAt, .descending).all()
            if let r = rounds.first(where: { range.contains($0.$region.id) || Access.subtree(of: $0.$region.id).contains(access.regionCode ?? -1) }) {
                let fig = try await RoundService.summary(r, on: db)
                m.round = .init(id: r.id!, name: r.name, dueDate: r.dueDate, owed: fig.owed, reported: fig.reported, late: fig.late, missing: fig.missing)
            }
            (m.openOrders, m.orders) = try await openOrders(access.isAdmin ? nil : "o.region_code BETWEEN \(bind: range.lowerBound) AND \(bind: range.upperBound)", on: sql)
        } else if let unitID = access.unitID {
            (m.openOrders, m.orders) = try await openOrders("o.unit_id = \(bind: unitID)", on: sql)
        }
        return m
    }

    /// How many open orders there are in the scope, and the five due first: one statement.
    static func openOrders(_ scope: SQLQueryString?, on sql: any SQLDatabase) async throws -> (Int, [DashboardModel.Order]) {
        struct O: Decodable { let id: Int; let year: Int; let seq: Int; let unit: String; let replyBy: String; let replied: Int; let total: Int }
        let rows = try await sql.raw("""
            SELECT o.id, o.year, o.seq, u.name AS unit, o.reply_by AS "replyBy", \
            CASE WHEN o.reply_text IS NULL THEN 0 ELSE 1 END AS replied, COUNT(*) OVER () AS total \
            FROM supervision_orders o JOIN units u ON u.id = o.unit_id \
            WHERE o.closed_at IS NULL\(scope.map { " AND " + $0 } ?? "") ORDER BY o.reply_by, o.id LIMIT 5
            """).all(decoding: O.self)
        return (rows.first?.total ?? 0, rows.map {
            .init(id: $0.id, number: OversightService.number(year: $0.year, seq: $0.seq), unit: $0.unit, replyBy: $0.replyBy,
                  replied: $0.replied != 0)
        })
    }
}

struct DashboardView: PageView {
    let context: PageContext
    let model: DashboardModel
    let today: LocalDate
    var title: String { "首页" }

    static let statusTones: [PublicStatus: String] = [.completed: "s-done", .basicallyCompleted: "s-basic", .fullyImplemented: "s-full",
                                                      .onSchedule: "s-green", .inProgress: "s-blue", .behindSchedule: "s-red"]

    func ledger(_ query: [(String, String?)]) -> String { SiteURL.ledger.with(query) }

    var content: Node<HTML.BodyContext> {
        let m = model
        let statuses = PublicStatus.allCases.map { s in Charts.Segment(label: s.label, value: m.byStatus[s.rawValue] ?? 0, tone: Self.statusTones[s] ?? "s-grey") }
            + [Charts.Segment(label: "未评估", value: m.byStatus[LedgerQuery.Counts.noValue("progress_status")] ?? 0, tone: "s-grey")]
        let lights = WarningLight.allCases.map { l in Charts.Segment(label: l.label, value: m.byLight[l.rawValue] ?? 0, tone: "s-\(l.rawValue)") }
            + [Charts.Segment(label: "不预警", value: m.byLight["none"] ?? 0, tone: "s-grey")]
        func parts(_ n: DashboardModel.Named) -> [Charts.Segment] {
            [.init(label: "红灯", value: n.red, tone: "s-red"), .init(label: "黄灯", value: n.yellow, tone: "s-yellow"),
             .init(label: "绿灯", value: n.green, tone: "s-green"), .init(label: "不预警", value: n.other, tone: "s-grey")]
        }
        return .div(
            .h1("首页"),
            .p(.class("sub"), .words("截至\(today.chinese),您的范围内共有 \(m.total) 项整改任务;“不预警”指尚未交办或已验收、公示、销号的任务。")),
            .div(.class("cards"),
                 .forEach(WarningLight.allCases) { l in
                     .a(.class("card \(l.rawValue)"), .href(HTMLText.escape(ledger([("light", l.rawValue)]))),
                        .strong(.words(String(m.byLight[l.rawValue] ?? 0))), .span(.words(l.label + "任务")))
                 },
                 .a(.class("card"), .href(SiteURL.orders.path), .strong(.words(String(m.openOrders))), .span(.words("未办结督办单"))),
                 .unwrap(m.round) { r in
                     .a(.class("card"), .href(SiteURL.round(r.id).path),
                        .strong(.words(r.owed == 0 ? "—" : "\(r.reported * 100 / max(r.owed, 1))%")),
                        .span(.words("\(r.name) 报送率")))
                 }
            ),
            .div(.class("grid"),
                 .section(.class("panel"),
                          .h2("按完成情况"),
                          Charts.donut(statuses.filter { $0.value > 0 }, label: "整改任务按完成情况", centre: "项任务"),
                          .figures("按完成情况", statuses.map { ($0.label, [String($0.value)]) }, headers: ["完成情况", "任务数"])),
                 .section(.class("panel"),
                          .h2("按预警"),
                          Charts.bars(lights, label: "整改任务按预警灯"),
                          .figures("按预警", lights.map { ($0.label, [String($0.value)]) }, headers: ["预警", "任务数"])),
                 .section(.class("panel"),
                          .h2("各地区(红灯多的在前)"),
                          Charts.stacked(m.regions.map { ($0.name, parts($0)) }, label: "各地区任务按预警灯"),
                          .figures("各地区", m.regions.map { ($0.name, [String($0.red), String($0.yellow), String($0.green), String($0.total)]) },
                                   headers: ["地区", "红灯", "黄灯", "绿灯", "合计"])),
                 .section(.class("panel"),
                          .h2("各责任单位(有红黄灯的,红灯多的在前)"),
                          .if(m.units.isEmpty, .p(.class("empty"), .words("没有亮红灯或黄灯的责任单位。"))),
                          Charts.stacked(m.units.map { ($0.name, Array(parts($0).prefix(2))) }, label: "各责任单位的红灯、黄灯任务"),
                          .figures("各责任单位", m.units.map { ($0.name, [String($0.red), String($0.yellow)]) },
                                   headers: ["责任单位", "红灯", "黄灯"])),
                 .section(.class("panel"),
                          .h2("每月销号"),
                          Charts.line(m.closures, label: "近十二个月每月销号任务数"),
                          .figures("每月销号", m.closures.map { ($0.0, [String($0.1)]) }, headers: ["月份", "销号数"])),
                 .section(.class("panel"),
                          .h2("30 天内到期"),
                          .if(m.due.isEmpty, .p(.class("empty"), .words("30 天内没有到期的在办任务。"))),
                          .if(!m.due.isEmpty, .table(.class("ledger"),
                              .thead(.tr(.th("序号"), .th("任务"), .th("整改时限"), .th("预警"))),
                              .tbody(.forEach(m.due) { d in
                                  .tr(.td(.words(String(d.number))), .td(.a(.href(SiteURL.task(d.id).path), .words(d.title))),
                                      .td(.words(Fmt.date(d.deadline))), .td(.light(d.light)))
                              }))),
                          .p(.a(.href(HTMLText.escape(ledger([("deadlineFrom", today.iso), ("deadlineTo", today.adding(days: 30).iso), ("sort", "deadline")]))), .words("在台账中查看")))),
                 .section(.class("panel"),
                          .h2("本期调度"),
                          .unwrap(m.round) { r in
                              .div(.p(.a(.href(SiteURL.round(r.id).path), .words(r.name)), .words(",报送截止 \(Fmt.date(r.dueDate))")),
                                   .figures("报送情况", [("应报", [String(r.owed)]), ("已报", [String(r.reported)]),
                                                      ("逾期报送", [String(r.late)]), ("未报", [String(r.missing)])], headers: ["", "数量"]))
                          },
                          .if(m.round == nil, .p(.class("empty"), .words("目前没有进行中的调度。")))),
                 .section(.class("panel"),
                          .h2("未办结的督办单"),
                          .if(m.orders.isEmpty, .p(.class("empty"), .words("没有未办结的督办单。"))),
                          .ul(.forEach(m.orders) { o in
                              .li(.a(.href(SiteURL.orders.path), .words(o.number)), .words(" \(o.unit),\(Fmt.date(o.replyBy))前回复"),
                                  .if(o.replied, .span(.class("tag"), .words("已回复"))))
                          })),
                 .if(m.petitions.total > 0, petitionPanel),
                 .if(m.accountability.people > 0, accountabilityPanel)
            )
        )
    }

    func percent(_ p: Int?) -> String { p.map { "\($0)%" } ?? "—" }

    /// 信访举报件 over the scope (issue 13 §5).
    var petitionPanel: Node<HTML.BodyContext> {
        let p = model.petitions
        let tones: [PetitionStatus: String] = [.concluded: "s-done", .concludedStage: "s-basic", .handling: "s-blue", .pending: "s-grey"]
        let segments = PetitionStatus.allCases.reversed().map { Charts.Segment(label: $0.label, value: p.count($0), tone: tones[$0] ?? "s-grey") }
        let rows: [(String, [String])] = [
            ("交办", [String(p.total)]),
            ("办结率", [percent(p.closureRate)]),
            ("按期办结率", [percent(p.onTimeRate)]),
            ("逾期未办结", [String(p.count(.overdue))]),
            ("重点案件未办结", [String(p.keyOpen)]),
            ("重复举报", [String(p.repeats)]),
        ]
        return .section(.class("panel"),
                        .h2("信访举报件"),
                        Charts.bars(segments, label: "信访举报件按办理状态"),
                        .figures("信访举报件按办理状态", segments.map { ($0.label, [String($0.value)]) }, headers: ["办理状态", "件数"]),
                        .figures("信访举报件办理情况", rows, headers: ["", "数"]),
                        .p(.class("sub"), .words("按期办结率:已办结(含阶段性办结)和已过办理期限的件中,在期限内办结的比例;逾期未办结的计入分母。")),
                        .p(.a(.href(SiteURL.petitions.path), .words("查看信访件"))))
    }

    /// 责任追究: people held to account by measure and rank, no names.
    var accountabilityPanel: Node<HTML.BodyContext> {
        let a = model.accountability
        return .section(.class("panel"),
                        .h2("责任追究(共 \(a.people) 人)"),
                        .figures("按处理方式", AccountabilityMeasure.allCases.map { ($0.label, [String(a.byMeasure[$0] ?? 0)]) },
                                 headers: ["处理方式", "人数"]),
                        .figures("按级别", OfficialRank.allCases.map { ($0.label, [String(a.byRank[$0] ?? 0)]) }, headers: ["级别", "人数"]),
                        .p(.a(.href(SiteURL.accountability.path), .words("查看责任追究"))))
    }
}
