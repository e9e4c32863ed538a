import Fluent
import SQLKit
import Vapor
import RectifyCore

/// `rectify explain [--region 210000] [--unit ID] [--runs 5]`: the database's plan, and
/// the time, of the ledger's own queries (the SQL `LedgerQuery` builds) for an office
/// scope and a unit scope: one page, its count, filtered pages, and the dashboard counts.
/// For checking that they use indexes at scale (bench/ledger-plans.sh).
struct ExplainCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "region", help: "整改办所在地区代码(默认 210000)") var region: Int?
        @Option(name: "unit", help: "单位编号(默认取任务最多的单位)") var unit: Int?
        @Option(name: "runs", help: "每条查询计时次数(默认 5)") var runs: Int?
        init() {}
    }

    var help: String { "显示台账查询的执行计划和耗时(用于大数据量检查)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.prepareDatabase()
        guard let sql = app.db as? any SQLDatabase else { return }
        let postgres = sql.dialect.name == "postgresql"
        let region = signature.region ?? 210000
        struct Top: Decodable { let unit_id: Int }
        let unit: Int
        if let u = signature.unit {
            unit = u
        } else {
            unit = try await sql.raw("SELECT unit_id FROM task_units GROUP BY unit_id ORDER BY COUNT(*) DESC LIMIT 1")
                .first(decoding: Top.self)?.unit_id ?? 0
        }
        let office = LedgerQuery(access: Access(userID: 0, name: "explain", roles: [.office], unitID: nil, regionCode: region))
        let unitScope = LedgerQuery(access: Access(userID: 0, name: "explain", roles: [.unit], unitID: unit, regionCode: nil))
        func filter(_ build: (inout LedgerQuery.Filter) -> Void) -> LedgerQuery.Filter {
            var f = LedgerQuery.Filter()
            build(&f)
            return f
        }
        let queries: [(String, SQLQueryString)] = [
            ("ledger page, office \(region), by number", office.pageSQL(filter { _ in })),
            ("ledger count, office \(region)", office.countSQL(filter { _ in })),
            ("ledger page, office, state=inProgress", office.pageSQL(filter { $0.state = .inProgress })),
            ("ledger page, office, light=red, sorted by light", office.pageSQL(filter { $0.light = .red; $0.sort = "light" })),
            ("ledger page, office, city \(region + 1400) subtree", office.pageSQL(filter { $0.region = region + 1400 })),
            ("ledger page, office, deadline in 2018-Q4", office.pageSQL(filter {
                $0.deadlineFrom = LocalDate(iso: "2018-10-01"); $0.deadlineTo = LocalDate(iso: "2018-12-31"); $0.sort = "deadline" })),
            ("ledger page, office, page 1000", office.pageSQL(filter { $0.page = 1000 })),
            ("ledger page, unit \(unit)", unitScope.pageSQL(filter { _ in })),
            ("ledger count, unit \(unit)", unitScope.countSQL(filter { _ in })),
            ("dashboard count by state, office", office.groupSQL("state", filter { _ in })),
            ("dashboard count by light, office", office.groupSQL("light", filter { _ in })),
            ("dashboard count by status, office", office.groupSQL("progress_status", filter { _ in })),
            // What TaskAssessment asks for every task it assesses.
            ("latest accepted report of one task", """
                SELECT percent FROM progress_reports WHERE task_id = \(bind: 4242) AND status = 'accepted' \
                ORDER BY submitted_at DESC LIMIT 1
                """),
        ]
        struct SQLitePlan: Decodable { let detail: String }
        struct PGPlan: Decodable {
            let plan: String
            enum CodingKeys: String, CodingKey { case plan = "QUERY PLAN" }
        }
        struct Any1: Decodable {}
        let runs = max(signature.runs ?? 5, 1)
        for (name, query) in queries {
            var times: [Double] = []
            for _ in 0..<runs {
                let start = DispatchTime.now().uptimeNanoseconds
                try await sql.raw(query).run()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            times.sort()
            context.console.print("== \(name): median \(String(format: "%.1f", times[times.count / 2])) ms over \(runs) runs")
            if postgres {
                for row in try await sql.raw("EXPLAIN " + query).all(decoding: PGPlan.self) { context.console.print("   \(row.plan)") }
            } else {
                for row in try await sql.raw("EXPLAIN QUERY PLAN " + query).all(decoding: SQLitePlan.self) {
                    context.console.print("   \(row.detail)")
                }
            }
        }
    }
}
