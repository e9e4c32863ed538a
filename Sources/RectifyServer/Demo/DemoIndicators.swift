import Fluent
import Foundation
import RectifyCore

/// The demo's target indicators (issue 15 §5): the targets and figures the seeds state —
/// 乌海's 2025 targets (seed 001), Liaoning's PM2.5 of 44 μg/m³ in 2017 against 42 by 2020
/// and its 75.8% good-air days (seed 004), 葫芦岛's 2023 air and water figures (seed 000) —
/// with the baselines the seeds do not give and the values after them made up
/// (plausible, deterministic, and said so in each target's note). And each seed
/// inspection's plan as approved on its recorded date, so later splits show against it.
enum DemoIndicators {
    struct Spec {
        let code: String
        let region: Int
        let inspection: String
        let unit: String?
        let baseline: (Int, Double)
        let target: (Int, Double)
        /// Annual values the seeds state, which the made-up series passes through.
        let stated: [Int: Double]
        let note: String
    }

    static let liaoning = "第一轮中央环境保护督察(辽宁省)"
    static let wuhai = "第二轮自治区生态环境保护督察(乌海市)"
    static let huludao = "第二轮中央生态环境保护督察(葫芦岛市)"
    static let specs: [Spec] = [
        .init(code: "pm25", region: 210000, inspection: liaoning, unit: "辽宁省环境保护厅", baseline: (2016, 46), target: (2020, 42),
              stated: [2017: 44], note: "2020 年目标和 2017 年数值来自整改报告(全省细颗粒物平均浓度 44 微克/立方米,同比下降 4.3%);其余数值为演示数据"),
        .init(code: "goodDays", region: 210000, inspection: liaoning, unit: "辽宁省环境保护厅", baseline: (2016, 74.5), target: (2020, 80),
              stated: [2017: 75.8], note: "2017 年数值来自整改报告(75.8%);基准、目标和其余数值为演示数据"),
        .init(code: "pm25", region: 211400, inspection: huludao, unit: "葫芦岛市人民政府", baseline: (2020, 38), target: (2025, 33),
              stated: [2023: 35], note: "2023 年数值来自整改报告(35 微克/立方米);基准、目标和其余数值为演示数据"),
        .init(code: "goodDays", region: 211400, inspection: huludao, unit: "葫芦岛市人民政府", baseline: (2020, 78), target: (2025, 85),
              stated: [2023: 80.2], note: "2023 年数值来自整改报告(环境空气质量达标率 80.2%);基准、目标和其余数值为演示数据"),
        .init(code: "waterGood", region: 211400, inspection: huludao, unit: "葫芦岛市人民政府", baseline: (2020, 81.8), target: (2025, 90.9),
              stated: [2023: 90.9], note: "2023 年数值来自整改报告(地表水优良水质比例 90.9%);基准、目标和其余数值为演示数据"),
        .init(code: "nearshore", region: 211400, inspection: huludao, unit: "葫芦岛市人民政府", baseline: (2020, 75), target: (2025, 80),
              stated: [2023: 79.4], note: "2023 年数值来自整改报告(近岸海域水质优良比例 79.4%);基准、目标和其余数值为演示数据"),
        .init(code: "pm25", region: 211100, inspection: liaoning, unit: "盘锦市人民政府", baseline: (2016, 45), target: (2020, 40),
              stated: [:], note: "演示数据"),
        .init(code: "goodDays", region: 150300, inspection: wuhai, unit: "乌海市生态环境局", baseline: (2023, 80.5), target: (2025, 84.1),
              stated: [:], note: "2025 年目标来自整改方案(优良天数比率达到 84.1%);基准和数值为演示数据"),
        .init(code: "pm25", region: 150300, inspection: wuhai, unit: "乌海市生态环境局", baseline: (2023, 34), target: (2025, 31),
              stated: [:], note: "2025 年目标来自整改方案(平均浓度不超过 31 微克/立方米);基准和数值为演示数据"),
        .init(code: "waterGood", region: 150300, inspection: wuhai, unit: "乌海市水务局", baseline: (2023, 40), target: (2025, 50),
              stated: [:], note: "2025 年目标来自整改方案(国控断面好于 III 类水体比例 50%);基准和数值为演示数据"),
        .init(code: "forest", region: 150300, inspection: wuhai, unit: "乌海市林业和草原局", baseline: (2023, 3.5), target: (2025, 3.8),
              stated: [:], note: "2025 年目标来自整改方案(森林覆盖率达到 3.8%);基准和数值为演示数据"),
        .init(code: "grassland", region: 150300, inspection: wuhai, unit: "乌海市林业和草原局", baseline: (2023, 19.5), target: (2025, 21),
              stated: [:], note: "2025 年目标来自整改方案(草原综合植被盖度 21%);基准和数值为演示数据"),
    ]

    /// A made-up annual value: the path, off by a few percent one way or the other by year.
    static func annual(_ s: Spec, _ spec: IndicatorSpec, _ path: IndicatorPath, year: Int) -> Double {
        if let v = s.stated[year] { return v }
        if year == s.baseline.0 { return s.baseline.1 }
        let wobble = [0.012, -0.018, 0.03, -0.006, 0.024, -0.028, 0.009, 0.04, -0.015, 0.02][abs(year + s.region / 100) % 10]
        let v = path.expected(in: year) * (1 + (spec.direction == .lower ? wobble : -wobble))
        return min(max(v, spec.range.lowerBound), spec.range.upperBound)
    }

    /// A month's year-to-date value: air is worse in winter, so January to March read worse than the year.
    static func yearToDate(_ annual: Double, month: Int, spec: IndicatorSpec) -> Double {
        let early = Double(12 - month) / 12
        let v: Double
        switch spec.area {
        case .air: v = spec.direction == .lower ? annual * (1 + 0.2 * early) : annual * (1 - 0.07 * early)
        default: v = annual * (1 - 0.02 * early)
        }
        let scale = pow(10, Double(spec.decimals))
        return (min(max(v, spec.range.lowerBound), spec.range.upperBound) * scale).rounded() / scale
    }

    static func load(on db: any Database, today: LocalDate, inspections: [String: Int], units: [String: Int]) async throws {
        guard let admin = try await User.query(on: db).filter(\.$login == "admin").first()?.id else { return }
        let now = Date()
        let catalogue = try await Indicator.query(on: db).all()
        for s in specs {
            guard let indicator = catalogue.first(where: { $0.code == s.code }), let inspectionID = inspections[s.inspection] else { continue }
            let t = IndicatorTarget()
            t.$indicator.id = try indicator.requireID()
            t.regionCode = s.region
            t.$inspection.id = inspectionID
            t.baselineYear = s.baseline.0
            t.baselineValue = s.baseline.1
            t.targetYear = s.target.0
            t.targetValue = s.target.1
            t.pathText = ""
            t.tolerancePercent = IndicatorPath.defaultTolerancePercent
            t.$unit.id = s.unit.flatMap { units[$0] }
            t.taskIDsText = ""
            t.published = true
            t.note = s.note
            t.version = 1
            t.createdAt = now
            try await t.create(on: db)
            let spec = indicator.spec
            // A clock before the baseline (a test's) has no values to make up.
            guard s.baseline.0 <= today.year else { continue }
            for year in s.baseline.0...today.year {
                let a = annual(s, spec, t.path, year: year)
                let months = year < today.year ? Array(0...12) : Array(1..<today.month)
                for m in months {
                    // The baseline year has its annual value only; the stated years are annual figures.
                    if year == s.baseline.0 && m != 0 { continue }
                    let v = IndicatorValue()
                    v.$target.id = try t.requireID()
                    v.year = year
                    v.month = m
                    v.value = m == 0 || m == 12 ? (a * pow(10, Double(spec.decimals))).rounded() / pow(10, Double(spec.decimals))
                        : yearToDate(a, month: m, spec: spec)
                    v.$enteredBy.id = admin
                    v.enteredAt = now
                    try await v.create(on: db)
                }
            }
        }
        // Each seed inspection's plan as approved on its recorded date, its tasks as loaded.
        for (title, id) in inspections.sorted(by: { $0.value < $1.value }) {
            guard let i = try await Inspection.find(id, on: db), let approved = i.planApprovedDate else { continue }
            let plan = RectificationPlan()
            plan.$inspection.id = id
            plan.version = 1
            plan.title = "\(title)反馈意见整改方案"
            plan.documentNumber = "(演示:文号未录入)"
            plan.approvedBy = "党委、政府"
            plan.approvedOn = approved
            plan.baselineJSON = String(decoding: try JSONEncoder().encode(try await PlanService.baseline(inspectionID: id, on: db)), as: UTF8.self)
            plan.$createdBy.id = admin
            plan.createdAt = now
            try await plan.create(on: db)
        }
    }
}
