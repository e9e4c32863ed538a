import Fluent
import Foundation
import SQLKit
import Vapor
import RectifyCore

/// Who may do what with indicators (issue 15 §4):
/// - the catalogue: anyone signed in reads it; the office (or admin) adds to it;
/// - a target: the office over its region sets it; the office and leaders over the
///   region and the unit that reports it read it; published targets anyone reads;
/// - values: the office over the region and the target's reporting unit enter them.
struct IndicatorAccess {
    let access: Access

    func canRead(_ t: IndicatorTarget) -> Bool {
        t.published || access.isAdmin || access.oversees([t.regionCode], as: .office) || access.oversees([t.regionCode], as: .leader)
            || (access.unitID != nil && access.unitID == t.$unit.id)
    }

    func canManage(region: Int) -> Bool { access.oversees([region], as: .office) }

    func canReport(_ t: IndicatorTarget) -> Bool {
        canManage(region: t.regionCode) || (access.roles.contains(.unit) && access.unitID != nil && access.unitID == t.$unit.id)
    }

    /// The targets this user may read, for SQL over `indicator_targets t`.
    var scope: SQLQueryString {
        if access.isAdmin { return "1 = 1" }
        var parts: [SQLQueryString] = ["t.published = \(bind: true)"]
        if let range = access.oversight, access.roles.contains(.office) || access.roles.contains(.leader) {
            parts.append("t.region_code BETWEEN \(bind: range.lowerBound) AND \(bind: range.upperBound)")
        }
        if let unit = access.unitID { parts.append("t.unit_id = \(bind: unit)") }
        return "(" + parts.joined(separator: " OR ") + ")"
    }
}

enum IndicatorService {
    struct NewIndicator: Content {
        var name: String
        var unit: String
        var direction: IndicatorDirection
        var area: IndicatorArea
        var decimals: Int?
        var lowerBound: Double?
        var upperBound: Double?
    }

    struct TargetIn: Content {
        var regionCode: Int
        var inspectionID: Int?
        var baselineYear: Int
        var baselineValue: Double
        var targetYear: Int
        var targetValue: Double
        /// Year targets between the baseline and the target: {"2024": 33}.
        var path: [String: Double]?
        var tolerancePercent: Double?
        /// The unit that reports the values.
        var unitID: Int?
        var taskIDs: [Int]?
        var published: Bool?
        var note: String?
    }

    struct ValueIn: Content {
        var regionCode: Int
        /// 2025 (the whole year) or 2025-03 (January to March).
        var period: String
        var value: Double
        /// When given, it must be the indicator's unit.
        var unit: String?
    }

    static func forbidden(_ message: String) -> AppError { AppError(status: .forbidden, code: "indicator.forbidden", message: message) }

    static func createIndicator(_ n: NewIndicator, access: Access, clock: AppClock, on db: any Database) async throws -> Indicator {
        guard access.isAdmin || access.roles.contains(.office) else { throw forbidden("只有整改办可以新增目标指标") }
        var v: [Violation] = []
        let name = n.name.trimmingCharacters(in: .whitespacesAndNewlines)
        let unit = IndicatorNumber.canonicalUnit(n.unit)
        if name.isEmpty || name.count > 60 || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            v.append(.init("indicator.nameInvalid", field: "name", "请填写指标名称(不超过 60 字)"))
        }
        if unit.isEmpty || unit.count > 20 { v.append(.init("indicator.unitInvalid", field: "unit", "请填写计量单位(不超过 20 字)")) }
        let decimals = n.decimals ?? 1
        if !(0...4).contains(decimals) { v.append(.init("indicator.decimalsInvalid", field: "decimals", "小数位数应在 0–4 之间")) }
        let lower = n.lowerBound ?? 0, upper = n.upperBound ?? (unit == "%" ? 100 : 1_000_000)
        if !lower.isFinite || !upper.isFinite || lower >= upper || abs(lower) > IndicatorSpec.limit || abs(upper) > IndicatorSpec.limit {
            v.append(.init("indicator.rangeInvalid", field: "upperBound", "取值范围不对:下限应小于上限"))
        }
        try v.throwIfAny()
        return try await db.writeTransaction { tx in
            if try await Indicator.query(on: tx).filter(\.$name == name).first() != nil {
                throw ValidationFailure([.init("indicator.nameTaken", field: "name", "指标“\(name)”已在目录中")])
            }
            let count = try await Indicator.query(on: tx).count()
            let row = Indicator(spec: IndicatorSpec(code: "custom\(count + 1)-\(clock.now().timeIntervalSince1970)", name: name, unit: unit,
                                                    direction: n.direction, area: n.area, decimals: decimals, range: lower...upper),
                                national: false)
            try await row.create(on: tx)
            row.code = "custom\(try row.requireID())"
            try await row.save(on: tx)
            try await Audit.record(on: tx, actor: access.auditActor, action: .indicatorCreate, recordType: "indicator",
                                   recordID: try row.requireID(), taskID: nil, before: Optional<String>.none,
                                   after: ["name": name, "unit": unit, "direction": n.direction.rawValue, "area": n.area.rawValue],
                                   now: clock.now())
            return row
        }
    }

    /// Sets (or replaces) a region's baseline, target and path for an indicator.
    static func setTarget(indicatorID: Int, _ n: TargetIn, access: Access, clock: AppClock, on db: any Database) async throws -> IndicatorTarget {
        guard let indicator = try await Indicator.find(indicatorID, on: db) else { throw AppError.notFound }
        guard Bounds.region.contains(n.regionCode), IndicatorAccess(access: access).canManage(region: n.regionCode) else {
            throw forbidden("只有本地区整改办可以设置指标目标")
        }
        var yearly: [Int: Double] = [:]
        var v: [Violation] = []
        for (k, value) in n.path ?? [:] {
            guard let y = Int(k.trimmingCharacters(in: .whitespaces)), IndicatorPeriod.years.contains(y) else {
                v.append(.init("indicator.pathYearOutside", field: "path", "年度目标的年份“\(k.prefix(10))”不对"))
                continue
            }
            yearly[y] = value
        }
        let path = IndicatorPath(baselineYear: n.baselineYear, baselineValue: n.baselineValue, targetYear: n.targetYear,
                                 targetValue: n.targetValue, yearly: yearly,
                                 tolerancePercent: n.tolerancePercent ?? IndicatorPath.defaultTolerancePercent)
        v += path.violations(for: indicator.spec)
        let note = (n.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if note.count > 500 { v.append(.init("indicator.noteTooLong", field: "note", "说明不超过 500 字")) }
        if (n.taskIDs?.count ?? 0) > 200 { v.append(.init("indicator.tooManyTasks", field: "taskIDs", "关联任务不超过 200 项")) }
        try v.throwIfAny()
        let pathText = IndicatorTarget.text(yearly)
        return try await db.writeTransaction { tx in
            guard try await Region.find(n.regionCode, on: tx) != nil else {
                throw ValidationFailure([.init("indicator.regionUnknown", field: "regionCode", "地区 \(n.regionCode) 不存在")])
            }
            if let i = n.inspectionID {
                guard let inspection = try await Inspection.find(i, on: tx),
                      Access.subtree(of: inspection.$targetRegion.id).contains(n.regionCode) else {
                    throw ValidationFailure([.init("indicator.inspectionUnknown", field: "inspectionID", "督察 \(i) 不存在或不包括该地区")])
                }
            }
            if let u = n.unitID, try await Unit.find(u, on: tx) == nil {
                throw ValidationFailure([.init("indicator.unitUnknown", field: "unitID", "单位 \(u) 不存在")])
            }
            let tasks = Set(n.taskIDs ?? [])
            if !tasks.isEmpty {
                var q = TaskRecord.query(on: tx).filter(\.$id ~~ tasks)
                if let i = n.inspectionID { q = q.filter(\.$inspection.$id == i) }
                if try await q.count() != tasks.count {
                    throw ValidationFailure([.init("indicator.taskUnknown", field: "taskIDs", "关联的整改任务不存在或不属于该督察")])
                }
            }
            let existing = try await IndicatorTarget.query(on: tx).filter(\.$indicator.$id == indicatorID)
                .filter(\.$regionCode == n.regionCode).first()
            let t = existing ?? IndicatorTarget()
            let before = existing.map(Self.snapshot)
            t.$indicator.id = indicatorID
            t.regionCode = n.regionCode
            t.$inspection.id = n.inspectionID
            t.baselineYear = n.baselineYear
            t.baselineValue = n.baselineValue
            t.targetYear = n.targetYear
            t.targetValue = n.targetValue
            t.pathText = pathText
            t.tolerancePercent = path.tolerancePercent
            t.$unit.id = n.unitID
            t.taskIDsText = AccountabilityCase.text(Array(tasks))
            t.published = n.published ?? false
            t.note = note
            t.version = (existing?.version ?? 0) + 1
            if existing == nil { t.createdAt = clock.now() }
            try await t.save(on: tx)
            try await Audit.record(on: tx, actor: access.auditActor, action: .indicatorTarget, recordType: "indicator_target",
                                   recordID: try t.requireID(), taskID: nil, before: before, after: Self.snapshot(t), now: clock.now())
            return t
        }
    }

    static func snapshot(_ t: IndicatorTarget) -> [String: String] {
        ["indicator": String(t.$indicator.id), "region": String(t.regionCode), "baseline": "\(t.baselineYear):\(t.baselineValue)",
         "target": "\(t.targetYear):\(t.targetValue)", "path": t.pathText, "tolerance": String(t.tolerancePercent),
         "unit": t.$unit.id.map(String.init) ?? "", "tasks": t.taskIDsText, "published": String(t.published)]
    }

    /// The period as written, not after `today`'s month.
    static func period(_ text: String, today: LocalDate) throws -> IndicatorPeriod {
        guard let p = IndicatorPeriod.parse(text) else {
            throw ValidationFailure([.init("indicator.periodInvalid", field: "period", "期间“\(text.prefix(20))”应写作 2025 或 2025-03")])
        }
        if let problem = futureProblem(p, today: today) {
            throw ValidationFailure([.init("indicator.periodFuture", field: "period", problem)])
        }
        return p
    }

    /// A period not yet over (this month, a later one, this whole year): nothing to report for it yet.
    static func futureProblem(_ p: IndicatorPeriod, today: LocalDate) -> String? {
        // 1—N月 is known once month N is over.
        if p.year > today.year || (p.year == today.year && p.month >= today.month) { return "期间 \(p.chinese) 还没有结束" }
        if p.year == today.year && p.month == 0 { return "\(p.year) 年的全年值要到年度结束后才能填报,年内请按月填报累计值" }
        return nil
    }

    /// Enters (or corrects) one value: the year's, or the year to a month.
    static func recordValue(indicatorID: Int, _ n: ValueIn, access: Access, clock: AppClock, on db: any Database) async throws -> IndicatorValue {
        guard let indicator = try await Indicator.find(indicatorID, on: db) else { throw AppError.notFound }
        let rules = IndicatorAccess(access: access)
        // A target this user may not read answers as if it were not there.
        guard let target = try await IndicatorTarget.query(on: db).filter(\.$indicator.$id == indicatorID)
            .filter(\.$regionCode == n.regionCode).first(), rules.canRead(target) || rules.canManage(region: n.regionCode) else {
            guard rules.canManage(region: n.regionCode) else { throw AppError.notFound }
            throw AppError(status: .unprocessableEntity, code: "indicator.noTarget", message: "该地区还没有设置“\(indicator.name)”的目标,请先设置基准和目标")
        }
        guard rules.canReport(target) else { throw forbidden("只有本地区整改办和该指标的责任单位可以填报监测值") }
        let p = try period(n.period, today: clock.today)
        let value: Double
        switch IndicatorNumber.check(n.value, unit: n.unit ?? "", for: indicator.spec) {
        case .success(let v): value = v
        case .failure(let v): throw ValidationFailure([v])
        }
        return try await db.writeTransaction { tx in
            try await write(target: target, period: p, value: value, access: access, clock: clock, action: .indicatorValue, on: tx)
        }
    }

    /// One value into the caller's transaction, with its audit event (a correction keeps what it was).
    static func write(target: IndicatorTarget, period p: IndicatorPeriod, value: Double, access: Access, clock: AppClock,
                      action: AuditAction, on tx: any Database) async throws -> IndicatorValue {
        let targetID = try target.requireID()
        let existing = try await IndicatorValue.query(on: tx).filter(\.$target.$id == targetID).filter(\.$year == p.year)
            .filter(\.$month == p.month).first()
        let row = existing ?? IndicatorValue()
        let before = existing.map { ["period": p.description, "value": String($0.value)] }
        row.$target.id = targetID
        row.year = p.year
        row.month = p.month
        row.value = value
        row.$enteredBy.id = access.userID == 0 ? nil : access.userID
        row.enteredAt = clock.now()
        try await row.save(on: tx)
        try await Audit.record(on: tx, actor: access.auditActor, action: action, recordType: "indicator_value", recordID: try row.requireID(),
                               taskID: nil, before: before,
                               after: ["target": String(targetID), "region": String(target.regionCode), "period": p.description,
                                       "value": String(value)], now: clock.now())
        return row
    }
}
