import Fluent
import Foundation
import SQLKit
import Vapor
import RectifyCore

/// Importing indicator values from Excel or CSV (issue 15 §4): a preview that writes
/// nothing, then the same file in one transaction if every row is right. A value the
/// same as the one stored is left alone; a different one corrects it.
enum IndicatorImport {
    struct RowPlan: Content {
        let line: Int
        let indicator: String
        let region: String
        let period: String
        let value: Double?
        /// create, update (corrects a stored value), same, or error.
        let action: String
        let before: Double?
        let problems: [String]
    }

    struct Preview: Content {
        let format: String
        let headerLine: Int
        let create: Int
        let update: Int
        let same: Int
        let errors: Int
        let rows: [RowPlan]
        var applied: Bool
    }

    struct Plan {
        let preview: Preview
        let writes: [(IndicatorTarget, IndicatorPeriod, Double)]
    }

    static func plan(data: Data, access: Access, today: LocalDate, on db: any Database) async throws -> Plan {
        guard access.isAdmin || access.roles.contains(.office) || access.roles.contains(.unit) else {
            throw IndicatorService.forbidden("只有整改办和指标的责任单位可以导入监测值")
        }
        let (format, cells, lines) = try LedgerImport.cells(of: data)
        let (headerLine, rows) = try IndicatorSheet.rows(cells, lines: lines)
        let indicators = try await Indicator.query(on: db).all()
        var byName: [String: Indicator] = [:]
        for i in indicators { byName[i.name] = i; byName[i.code] = i }
        let regionNames = Set(rows.filter { $0.regionCode == nil }.map(\.region).filter { !$0.isEmpty })
        let givenCodes = Set(rows.compactMap(\.regionCode))
        let named = regionNames.isEmpty ? [] : try await Region.query(on: db).filter(\.$name ~~ regionNames).all()
        let coded = givenCodes.isEmpty ? [] : try await Region.query(on: db).filter(\.$id ~~ givenCodes).all()
        let knownCodes = Set(coded.compactMap(\.id))
        // A name several regions share (朝阳区) is read within the user's own region; if it is
        // still not one region, the row needs its 地区代码.
        var codesByName: [String: [Int]] = [:]
        for r in named { if let code = r.id { codesByName[r.name, default: []].append(code) } }
        func resolve(_ r: IndicatorSheet.Row) -> (Int?, String?) {
            if let c = r.regionCode { return knownCodes.contains(c) ? (c, nil) : (nil, "地区代码 \(c) 不存在") }
            guard !r.region.isEmpty else { return (nil, nil) }
            let all = codesByName[r.region] ?? []
            let mine = all.filter { access.oversight?.contains($0) == true }
            if mine.count == 1 { return (mine[0], nil) }
            if all.count == 1 { return (all[0], nil) }
            if all.isEmpty { return (nil, "地区“\(r.region.prefix(40))”无法识别") }
            return (nil, "地区名称“\(r.region.prefix(40))”不止一个(\(all.sorted().map(String.init).joined(separator: "、"))),请在“地区代码”列写明")
        }
        let resolved = rows.map(resolve)
        let codes = Set(resolved.compactMap(\.0))
        let targets = codes.isEmpty ? [] : try await IndicatorTarget.query(on: db).filter(\.$regionCode ~~ codes).all()
        let targetByKey = Dictionary(targets.map { ("\($0.$indicator.id)|\($0.regionCode)", $0) }, uniquingKeysWith: { a, _ in a })
        let targetIDs = targets.compactMap(\.id)
        // Only the years the file speaks of: a province holds years of monthly values.
        let years = Set(rows.compactMap { $0.period?.year })
        let stored = targetIDs.isEmpty || years.isEmpty ? []
            : try await IndicatorValue.query(on: db).filter(\.$target.$id ~~ targetIDs).filter(\.$year ~~ years).all()
        let storedByKey = Dictionary(stored.map { ("\($0.$target.id)|\($0.year)|\($0.month)", $0.value) }, uniquingKeysWith: { a, _ in a })
        let rules = IndicatorAccess(access: access)
        var plans: [RowPlan] = []
        var writes: [(IndicatorTarget, IndicatorPeriod, Double)] = []
        var seen: [String: Int] = [:]
        for (r, (region, regionProblem)) in zip(rows, resolved) {
            var problems = r.violations.map(\.message)
            let indicator = byName[r.indicator] ?? byName[r.indicator.filter { !$0.isWhitespace }]
            if indicator == nil, !r.indicator.isEmpty { problems.append("指标“\(r.indicator.prefix(40))”不在指标目录中") }
            if let regionProblem { problems.append(regionProblem) }
            var target: IndicatorTarget?
            if let indicator, let region {
                if let t = targetByKey["\(indicator.id ?? 0)|\(region)"], rules.canRead(t) || rules.canManage(region: region) {
                    if rules.canReport(t) { target = t } else { problems.append("无权填报\(r.region)的“\(indicator.name)”") }
                } else {
                    problems.append("\(r.region)还没有设置“\(indicator.name)”的目标")
                }
            }
            var value: Double?
            if let indicator {
                switch IndicatorNumber.value(r.value, unit: r.unit, for: indicator.spec) {
                case .success(let v): value = v
                case .failure(let v): problems.append(v.message)
                }
            }
            if let p = r.period, let problem = IndicatorService.futureProblem(p, today: today) { problems.append(problem) }
            var before: Double?
            if let t = target, let p = r.period {
                let key = "\(t.id ?? 0)|\(p.year)|\(p.month)"
                if let first = seen[key] { problems.append("与第 \(first) 行是同一地区、同一指标、同一期间") } else { seen[key] = r.line }
                before = storedByKey[key]
            }
            let action: String
            if !problems.isEmpty {
                action = "error"
            } else if let v = value, let t = target, let p = r.period {
                action = before == nil ? "create" : (before == v ? "same" : "update")
                if action != "same" { writes.append((t, p, v)) }
            } else {
                action = "error"
            }
            plans.append(RowPlan(line: r.line, indicator: r.indicator, region: r.region, period: r.period?.description ?? r.periodText,
                                 value: value, action: action, before: before, problems: problems))
        }
        func count(_ a: String) -> Int { plans.filter { $0.action == a }.count }
        return Plan(preview: Preview(format: format, headerLine: headerLine, create: count("create"), update: count("update"),
                                     same: count("same"), errors: count("error"), rows: plans, applied: false),
                    writes: writes)
    }

    static func apply(data: Data, access: Access, clock: AppClock, on db: any Database) async throws -> Preview {
        let plan = try await plan(data: data, access: access, today: clock.today, on: db)
        guard plan.preview.errors == 0 else {
            let first = plan.preview.rows.first { $0.action == "error" }
            throw AppError(status: .unprocessableEntity, code: "indicatorImport.rowsInvalid",
                           message: "有 \(plan.preview.errors) 行不对,未导入(第 \(first?.line ?? 0) 行:\(first?.problems.first ?? ""));请先预览并改正")
        }
        let writes = plan.writes
        try await db.writeTransaction { tx in
            for (t, p, v) in writes {
                _ = try await IndicatorService.write(target: t, period: p, value: v, access: access, clock: clock, action: .indicatorImport, on: tx)
            }
        }
        var done = plan.preview
        done.applied = true
        return done
    }

    static func previewRoute(req: Request) async throws -> Preview {
        try await plan(data: try ImportAPI.body(req), access: try await req.access(), today: req.application.clock.today, on: req.db).preview
    }

    static func applyRoute(req: Request) async throws -> Preview {
        try await apply(data: try ImportAPI.body(req), access: try await req.access(), clock: req.application.clock, on: req.db)
    }
}
