import Fluent
import Foundation
import RectifyCore

/// The demo's ongoing rectification (issue 12 §5): the seeds' inspections keep their real
/// dates, which all lie years back; this one is placed relative to the day the demo is
/// loaded, so a newcomer finds work in every state: red, yellow and green tasks, a
/// dispatch round past its due date with some reports in and some missing, open
/// supervision orders (one overdue), tasks in public notice (one with an objection to
/// answer), an acceptance waiting, a report returned, a claim overdue, an extension to
/// decide, a leader's instruction, and closures in the last weeks.
///
/// Everything after the tasks are made is done through the services every user goes
/// through, on the day it would have happened (the clock set back), so the task pages'
/// timelines, the audit trail, the notifications and the closures chart are what real
/// use would have left. Its problems and tasks are written from the seeds' reports
/// (Liaoning's 2018 report, 葫芦岛's second-round report) and say they are a demo.
enum DemoLive {
    struct Plan {
        let number: Int
        let title: String
        let target: String
        let measures: String
        let problem: Int
        let responsible: String
        var cooperating: [String] = []
        let tags: [DomainTag]
        var kind: TaskKind = .timeLimited
        /// Days from the load day; nil for a long-term task.
        let deadline: Int?
        var milestones: [(Int, String)] = []
    }

    static let inspectionTitle = "省级生态环境保护督察整改(演示:随当日滚动)"

    static let problems: [String] = [
        "部分城市建成区黑臭水体整治不彻底,雨污合流、污水直排问题依然存在。",
        "燃煤锅炉淘汰和“散乱污”企业整治进展滞后,秋冬季重污染天气应对不力。",
        "自然保护区、饮用水水源保护区内违法违规建设项目清理整治不到位。",
        "近岸海域围填海项目生态修复推进缓慢,废弃矿山治理欠账较多。",
        "生活垃圾填埋场渗滤液处理能力不足,禁养区畜禽养殖场关闭搬迁不彻底。",
        "秸秆露天焚烧、施工扬尘、挥发性有机物等面源污染管控措施落实不到位。",
    ]

    static let zjt = "辽宁省住房和城乡建设厅", fgw = "辽宁省发展和改革委员会", hld = "葫芦岛市人民政府"
    static let lyt = "辽宁省林业厅", hyt = "辽宁省海洋与渔业厅", nw = "辽宁省农村经济委员会"
    static let slt = "辽宁省水利厅", gtt = "辽宁省国土资源厅"
    static let acceptor = "辽宁省环境保护厅"

    static let plans: [Plan] = [
        Plan(number: 1, title: "城市建成区黑臭水体整治", target: "城市建成区黑臭水体基本消除,长制久清",
             measures: "排查入河排污口,实施截污纳管和雨污分流改造,开展清淤疏浚和生态补水。", problem: 1,
             responsible: zjt, tags: [.water], deadline: 200, milestones: [(-30, "完成入河排污口排查"), (90, "完成截污纳管工程")]),
        Plan(number: 2, title: "燃煤锅炉淘汰改造", target: "城市建成区10蒸吨及以下燃煤锅炉全部淘汰",
             measures: "建立燃煤锅炉清单,实施清洁能源替代和集中供热并网,逐台销号。", problem: 2,
             responsible: fgw, tags: [.air], deadline: 120, milestones: [(-20, "完成燃煤锅炉排查建档")]),
        Plan(number: 3, title: "“散乱污”企业综合整治", target: "“散乱污”企业动态清零",
             measures: "按关停取缔、整合搬迁、升级改造分类整治,建立网格化排查机制。", problem: 2,
             responsible: hld, tags: [.air], deadline: -10),
        Plan(number: 4, title: "自然保护区违法违规项目清理", target: "自然保护区内违法违规项目全部整改到位",
             measures: "逐一核查保护区内项目,违法项目依法关停拆除并实施生态修复。", problem: 3,
             responsible: lyt, tags: [.ecology], deadline: 300, milestones: [(30, "完成保护区项目核查")]),
        Plan(number: 5, title: "近岸海域围填海生态修复", target: "围填海项目生态修复有序推进,岸线生态功能逐步恢复",
             measures: "编制围填海生态修复方案,实施岸线整治和滨海湿地修复,长期巡查。", problem: 4,
             responsible: hyt, tags: [.marine], kind: .longTerm, deadline: nil),
        Plan(number: 6, title: "生活垃圾填埋场渗滤液处理", target: "填埋场渗滤液全部达标处理,积存渗滤液清零",
             measures: "扩建渗滤液处理设施,应急转运积存渗滤液,加强在线监测。", problem: 5,
             responsible: zjt, tags: [.solidWaste], deadline: 30),
        Plan(number: 7, title: "禁养区畜禽养殖场关闭搬迁", target: "禁养区内规模化畜禽养殖场全部关闭或搬迁",
             measures: "核定禁养区养殖场清单,依法关闭搬迁并落实补偿,防止反弹。", problem: 5,
             responsible: nw, tags: [.soil], deadline: 20),
        Plan(number: 8, title: "饮用水水源保护区违法建设清理", target: "饮用水水源保护区内违法建设全部清理",
             measures: "排查一、二级保护区内建设项目和排污口,依法拆除并设置隔离防护。", problem: 3,
             responsible: slt, tags: [.water], deadline: 15),
        Plan(number: 9, title: "工业园区污水集中处理设施建设", target: "省级以上工业园区污水集中处理设施全部建成并稳定运行",
             measures: "建设园区污水处理厂和配套管网,安装在线监控并与生态环境部门联网。", problem: 1,
             responsible: fgw, cooperating: [zjt], tags: [.water], deadline: 10),
        Plan(number: 10, title: "废弃矿山生态修复", target: "完成重点区域废弃矿山生态修复",
             measures: "开展废弃矿山调查评估,实施削坡整形、覆土复绿和地质灾害治理。", problem: 4,
             responsible: gtt, tags: [.mining], deadline: -20),
        Plan(number: 11, title: "秸秆露天焚烧管控", target: "秸秆露天焚烧火点同比明显下降",
             measures: "推进秸秆综合利用,落实网格化巡查和卫星遥感火点核查问责。", problem: 6,
             responsible: nw, tags: [.air], deadline: -5),
        Plan(number: 12, title: "重点行业挥发性有机物治理", target: "石化、化工等重点行业挥发性有机物排放达标",
             measures: "开展泄漏检测与修复,治理设施升级改造,实施错峰生产。", problem: 6,
             responsible: hld, tags: [.air], deadline: 0),
        Plan(number: 13, title: "河湖“清四乱”专项整治", target: "河湖乱占、乱采、乱堆、乱建问题全部清理",
             measures: "落实河长制,逐河排查“四乱”问题,建立台账限期清理。", problem: 1,
             responsible: slt, tags: [.water], deadline: 180),
        Plan(number: 14, title: "施工工地扬尘治理", target: "建筑施工工地扬尘防治“六个百分之百”全面落实",
             measures: "建立施工工地清单,落实围挡、覆盖、冲洗、硬化等措施,纳入信用管理。", problem: 6,
             responsible: fgw, cooperating: [zjt], tags: [.air], deadline: 150),
        Plan(number: 15, title: "沙化土地综合治理", target: "完成年度沙化土地治理任务",
             measures: "实施封禁保护和人工造林种草,落实管护责任。", problem: 4,
             responsible: lyt, tags: [.ecology], deadline: 150),
        Plan(number: 16, title: "重污染天气应急减排清单修订", target: "重污染天气应急减排清单覆盖全部涉气企业",
             measures: "修订应急减排清单,细化“一厂一策”,开展应急演练和执法检查。", problem: 2,
             responsible: hld, tags: [.air], deadline: 90),
    ]

    /// The liaison users who act for the units the demo users do not stand for: they
    /// cannot sign in (no password matches), they only appear as who did what.
    static let liaisons: [(login: String, unit: String, name: String)] = [
        ("demo-liaison-acc-ps", panshanAcceptor, "盘山县环境保护局 验收组"),
        ("demo-liaison-acc-pj", pjAcceptor, "盘锦市环境保护局 验收组"),
        ("demo-liaison-zjt", zjt, "省住房城乡建设厅 联络员"), ("demo-liaison-hld", hld, "葫芦岛市政府 联络员"),
        ("demo-liaison-lyt", lyt, "省林业厅 联络员"), ("demo-liaison-hyt", hyt, "省海洋与渔业厅 联络员"),
        ("demo-liaison-nw", nw, "省农委 联络员"), ("demo-liaison-slt", slt, "省水利厅 联络员"),
        ("demo-liaison-gtt", gtt, "省国土资源厅 联络员"),
        ("demo-liaison-pj", pj, "盘锦市政府 联络员"), ("demo-liaison-ps", DemoCatalog.panshanGovernment, "盘山县政府 联络员"),
    ]

    static let pj = "盘锦市人民政府", pjAcceptor = "盘锦市环境保护局", panshanAcceptor = "盘山县环境保护局"
    /// The living inspection's acceptance chain (issue 14 §2).
    static let chain = [AcceptanceStep(level: .county, name: "县级初验"), AcceptanceStep(level: .city, name: "市级验收"),
                        AcceptanceStep(level: .province, name: "省级验收销号")]
    /// Sub-tasks the living demo splits (plan 1 to 盘锦 and 葫芦岛, 盘锦's part to 盘山县).
    static let parts = 3

    static func load(on db: any Database, today t: LocalDate, units: [String: Int]) async throws {
        func day(_ offset: Int) -> LocalDate { t.adding(days: offset) }
        let store = Store(db: db)
        for l in liaisons {
            // Who accepts for a unit is an acceptor; everyone else acts for a unit.
            let roles: Set<Role> = l.login.hasPrefix("demo-liaison-acc-") ? [.acceptor] : [.unit]
            let user = User(displayName: l.name, login: l.login, passwordHash: "!", unitID: units[l.unit], roles: roles)
            try await user.create(on: db)
        }
        let inspection = try await store.createInspection(InspectionDraft(
            title: inspectionTitle, level: .provincial, round: nil, kind: .thematic, team: "省生态环境保护督察组(演示)",
            targetRegionCode: 210000, stationedFrom: day(-200), stationedUntil: day(-170), feedbackDate: day(-140),
            planApprovedDate: day(-110)))
        inspection.acceptanceChain = AcceptanceChain.encode(chain)
        try await inspection.save(on: db)
        let inspectionID = try inspection.requireID()
        var problemIDs: [Int: Int] = [:]
        for (i, text) in problems.enumerated() {
            problemIDs[i + 1] = try await store.createProblem(inspectionID: inspectionID,
                                                              ProblemDraft(number: i + 1, aspect: "演示", text: text, regionCodes: [210000])).requireID()
        }
        var taskIDs: [Int: Int] = [:]
        for p in plans {
            func id(_ name: String) throws -> Int {
                guard let id = units[name] else { throw StartupError("演示单位 \(name) 不在单位目录中") }
                return id
            }
            var assignments = [UnitAssignment(unitID: try id(p.responsible), role: .responsible)]
            assignments += try p.cooperating.map { UnitAssignment(unitID: try id($0), role: .cooperating) }
            assignments += [UnitAssignment(unitID: try id(DemoCatalog.liaoningOffice), role: .supervising),
                            UnitAssignment(unitID: try id(acceptor), role: .acceptance)]
            let draft = TaskDraft(number: p.number, title: p.title, target: p.target, measures: p.measures, kind: p.kind,
                                  deadline: p.deadline.map(day), problemIDs: [problemIDs[p.problem]].compactMap { $0 },
                                  assignments: assignments,
                                  milestones: p.milestones.map { Milestone(date: day($0.0), description: $0.1) }, tags: p.tags)
            let task = try await store.createTask(inspectionID: inspectionID, draft, state: .draft,
                                                  remarks: "演示数据:日期随加载当日滚动,用于展示各环节。", today: t)
            taskIDs[p.number] = try task.requireID()
        }

        // Who acts: the demo's own users, and the liaisons above.
        var people: [String: Access] = [:]
        for user in try await User.query(on: db).all() {
            let access = try await Access.load(user, on: db)
            people[user.login] = access
            if let unit = user.$unit.id, user.roles.contains(.unit), let name = units.first(where: { $0.value == unit })?.key {
                people["unit:" + name] = access
            }
        }
        func who(_ key: String) throws -> Access {
            guard let a = people[key] else { throw StartupError("演示用户 \(key) 不存在") }
            return a
        }
        func lifecycle(_ key: String, _ offset: Int) throws -> LifecycleService {
            LifecycleService(db: db, access: try who(key), clock: .fixed(day(offset)))
        }
        func task(_ n: Int) throws -> Int {
            guard let id = taskIDs[n] else { throw StartupError("演示任务 \(n) 不存在") }
            return id
        }
        func unitOf(_ n: Int) -> String { "unit:" + (plans.first { $0.number == n }?.responsible ?? "") }
        func act(_ n: Int, _ action: TaskAction, as key: String, _ offset: Int, _ payload: LifecycleService.Payload = .init()) async throws {
            try await lifecycle(key, offset).perform(action, taskID: try task(n), payload: payload)
        }
        func report(_ n: Int, _ offset: Int, _ narrative: String, percent: Int, milestones: [Int] = []) async throws -> Int {
            let reached = try await TaskMilestone.query(on: db).filter(\.$task.$id == (try task(n))).sort(\.$date).all()
            let ids = milestones.compactMap { i in reached.indices.contains(i) ? reached[i].id : nil }
            return try await ReportService(lifecycle: try lifecycle(unitOf(n), offset))
                .submit(taskID: try task(n), .init(narrative: narrative, percent: percent, milestonesReached: ids)).requireID()
        }
        func review(_ reportID: Int, _ offset: Int, accept: Bool, reason: String? = nil) async throws {
            _ = try await ReportService(lifecycle: try lifecycle("office", offset))
                .review(reportID: reportID, .init(decision: accept ? "accept" : "return", reason: reason))
        }
        func oversight(_ key: String, _ offset: Int) throws -> OversightService {
            OversightService(lifecycle: try lifecycle(key, offset))
        }

        // Assigned and claimed, except the two assigned lately (one still unclaimed past the limit).
        for n in Array(1...12) + [15, 16] {
            try await act(n, .assign, as: "office", -105)
            try await act(n, .claim, as: unitOf(n), -103)
        }
        // Province → city → county (issue 14): the province splits its 黑臭水体 task to 盘锦 and 葫芦岛,
        // 盘锦 splits its part to 盘山县; each level's units claim and report to their own office.
        // 盘山县 is well ahead, 葫芦岛 lags (yellow), and the province's task rolls up from both.
        func unit(_ name: String) throws -> Int {
            guard let id = units[name] else { throw StartupError("演示单位 \(name) 不在单位目录中") }
            return id
        }
        func split(_ parent: Int, as key: String, _ offset: Int, responsible: String, acceptance: String,
                   target: String, deadline: Int) async throws -> Int {
            guard let r = units[responsible], let a = units[acceptance] else { throw StartupError("演示单位 \(responsible) 不存在") }
            return try await SubtaskService(lifecycle: try lifecycle(key, offset)).split(parentID: parent, .init(
                title: nil, target: target, measures: "按省级任务要求排查本地黑臭水体,实施截污纳管和清淤疏浚。", deadline: day(deadline),
                leadOfficial: nil, responsible: [r], cooperating: nil, supervising: nil, acceptance: [a])).requireID()
        }
        let panjinPart = try await split(try task(1), as: "office", -100, responsible: pj, acceptance: "盘锦市环境保护局",
                                         target: "盘锦市建成区黑臭水体基本消除", deadline: 180)
        let huludaoPart = try await split(try task(1), as: "office", -100, responsible: hld, acceptance: "葫芦岛市生态环境局",
                                          target: "葫芦岛市建成区黑臭水体基本消除", deadline: 150)
        let panshanPart = try await SubtaskService(lifecycle: try lifecycle("panjin", -96)).split(parentID: panjinPart, .init(
            title: nil, target: "盘山县城区黑臭水体基本消除", measures: "按省级任务要求排查本地黑臭水体,实施截污纳管和清淤疏浚。",
            deadline: day(120), leadOfficial: nil, responsible: [try unit(DemoCatalog.panshanGovernment)], cooperating: nil,
            supervising: nil, acceptance: [try unit(panshanAcceptor), try unit(pjAcceptor)])).requireID()
        for (part, unit, offset) in [(panjinPart, pj, -98), (huludaoPart, hld, -97), (panshanPart, DemoCatalog.panshanGovernment, -94)] {
            try await LifecycleService(db: db, access: try who("unit:" + unit), clock: .fixed(day(offset)))
                .perform(.claim, taskID: part, payload: .init())
        }
        for (part, unit, office, percent, offset, narrative) in [
            (panshanPart, DemoCatalog.panshanGovernment, "panshan", 60, -22, "县城区3条黑臭水体完成截污纳管,清淤完成六成。"),
            (huludaoPart, hld, "huludao", 10, -21, "完成黑臭水体排查,截污纳管工程尚在设计。"),
        ] {
            let r = try await ReportService(lifecycle: LifecycleService(db: db, access: try who("unit:" + unit), clock: .fixed(day(offset))))
                .submit(taskID: part, .init(narrative: narrative, percent: percent))
            _ = try await ReportService(lifecycle: try lifecycle(office, offset + 1))
                .review(reportID: try r.requireID(), .init(decision: "accept", reason: nil))
        }
        // 盘山县 finishes first: 县级初验 passed, 市级验收 waiting for the city's acceptors.
        try await LifecycleService(db: db, access: try who("unit:" + DemoCatalog.panshanGovernment), clock: .fixed(day(-6)))
            .perform(.submitCompletion, taskID: panshanPart, payload: .init(narrative: "县城区3条黑臭水体整治完成,水质监测达标。"))
        try await LifecycleService(db: db, access: try who("demo-liaison-acc-ps"), clock: .fixed(day(-4)))
            .perform(.acceptPass, taskID: panshanPart, payload: .init(opinion: "经现场核查,截污纳管和清淤完成,水体无黑臭,同意通过县级初验。",
                                                                      people: "县级初验组"))

        // Round one: reports in, reviewed, closed with its figures frozen.
        let first = try await RoundService.open(.init(name: "第1次调度", dueDate: day(-33)), lifecycle: try lifecycle("office", -40))
        try await review(try await report(1, -35, "已完成城区入河排污口排查,建立排口清单。", percent: 30, milestones: [0]), -33, accept: true)
        try await review(try await report(2, -35, "已启动燃煤锅炉排查,部分县区尚未报送清单。", percent: 10), -33, accept: true)
        try await review(try await report(4, -34, "已完成保护区内项目初步梳理。", percent: 20), -33, accept: true)
        _ = try await RoundService.close(try first.requireID(), lifecycle: try lifecycle("office", -30))

        // Finished work: closed in the last weeks, accepted, in public notice, awaiting acceptance.
        for (n, submit, accept, notice, close) in [(10, -45, -40, -38, -25), (11, -30, -25, -22, -12), (12, -20, -16, -14, -4)] {
            try await act(n, .submitCompletion, as: unitOf(n), submit, .init(narrative: "已按整改方案完成全部整改措施,申请验收。"))
            try await act(n, .acceptPass, as: "acceptor", accept, .init(opinion: "经现场核查,整改措施落实到位,同意通过验收。", people: "验收组"))
            try await act(n, .openNotice, as: "office", notice, .init(noticeText: "该任务已完成整改并通过验收,现予公示。"))
            try await act(n, .close, as: "office", close)
        }
        try await act(8, .submitCompletion, as: unitOf(8), -16, .init(narrative: "保护区内违法建设已全部拆除,设置隔离防护网。"))
        try await act(8, .acceptPass, as: "acceptor", -12, .init(opinion: "现场核查拆除到位,同意通过验收。", people: "验收组"))
        try await act(8, .openNotice, as: "office", -2, .init(noticeText: "饮用水水源保护区违法建设清理已通过验收,现予公示。"))
        if let notice = try await TaskEntry.query(on: db).filter(\.$task.$id == (try task(8))).filter(\.$kind == .notice).first()?.id {
            _ = try await oversight("office", -1).recordObjection(noticeID: notice, .init(receivedOn: day(-1),
                content: "来电反映保护区边界附近仍有一处养殖棚未拆除。"))
        }
        try await act(9, .submitCompletion, as: unitOf(9), -15, .init(narrative: "园区污水处理厂已建成投运,在线监控已联网。"))
        try await act(9, .acceptPass, as: "acceptor", -10, .init(opinion: "出水稳定达标,同意通过验收。", people: "验收组"))
        try await act(9, .openNotice, as: "office", -3, .init(noticeText: "工业园区污水集中处理设施建设已通过验收,现予公示。"))
        try await act(7, .submitCompletion, as: unitOf(7), -9, .init(narrative: "禁养区内养殖场已全部关闭搬迁。"))
        try await act(7, .acceptPass, as: "acceptor", -5, .init(opinion: "同意通过验收。", people: "验收组"))
        try await act(6, .submitCompletion, as: unitOf(6), -3, .init(narrative: "渗滤液处理设施扩建完成,积存渗滤液已清运处理。"))

        // Round two: past its due date, some reports in, one returned, some missing.
        _ = try await RoundService.open(.init(name: "第2次调度", dueDate: day(-1)), lifecycle: try lifecycle("office", -10))
        try await review(try await report(1, -6, "截污纳管工程完成四成,两处排口已封堵。", percent: 45), -5, accept: true)
        try await review(try await report(4, -6, "保护区项目核查过半,三个违法项目已拆除。", percent: 30), -5, accept: true)
        _ = try await report(5, -4, "围填海生态修复方案已报批,岸线整治进场施工。", percent: 20)
        try await review(try await report(16, -5, "应急减排清单修订稿已完成。", percent: 40), -4, accept: false,
                         reason: "缺少“一厂一策”附件,请补充后重新报送")

        // Orders, an instruction and an extension to decide.
        _ = try await oversight("office", -9).issueOrder(.init(unitID: units[hld] ?? 0, taskIDs: [try task(3)], level: .order,
                                                               reason: "整改时限将至,进展明显滞后", replyBy: day(-2)))
        _ = try await oversight("leader", -6).recordInstruction(taskID: try task(2), .init(text: "请省发展改革委加快燃煤锅炉淘汰进度,月底前报送进展。"))
        _ = try await oversight("office", -1).issueOrder(.init(unitID: units[fgw] ?? 0, taskIDs: [try task(2)], level: .reminder,
                                                               reason: "阶段目标逾期未完成", replyBy: day(6)))
        _ = try await oversight(unitOf(15), -3).requestExtension(taskID: try task(15), .init(deadline: day(240),
                                                                  reason: "春季造林时节已过,需待下一造林季完成。"))

        // Assigned lately: one unclaimed past the limit, one just now (the demo unit's to claim).
        try await act(13, .assign, as: "office", -12)
        try await act(14, .assign, as: "office", -2)

        try await petitions(inspectionID: inspectionID, units: units, day: day, who: who, on: db)
    }

    /// Two batches of petition cases (issue 13): the first mostly handled, the second
    /// under way, one of its cases a repeat of the first's. The complainants are fictional.
    static let cases: [(batch: Int, number: String, place: String, region: Int, kinds: [PollutionKind], complaint: String,
                        unit: String, key: Bool, outcome: PetitionStatus)] = [
        (1, "D3LN00010001", "连山区某化工企业", 211402, [.air], "企业夜间排放刺鼻气味废气,周边居民无法开窗。", hld, true, .concluded),
        (1, "X3LN00010002", "兴城市海滨某养殖场", 211481, [.water], "养殖废水直排入海,近岸海水发黑发臭。", hld, false, .concluded),
        (1, "D3LN00010003", "绥中县某石材加工厂", 211421, [.air, .noise], "石材切割粉尘大、噪声扰民,昼夜生产。", hld, false, .concluded),
        (1, "D3LN00010004", "建昌县某选矿厂尾矿库", 211422, [.solidWaste, .water], "尾矿库防渗不到位,下游河水浑浊。", hld, true, .concludedStage),
        (1, "X3LN00010005", "龙港区某小区旁建筑工地", 211403, [.air, .noise], "工地未覆盖裸土,渣土车抛洒,夜间施工。", zjt, false, .concluded),
        (1, "D3LN00010006", "连山区某河段", 211402, [.water], "河道两岸堆放生活垃圾,雨后冲入河道。", hld, false, .handling),
        (2, "D3LN00020001", "连山区 某化工企业", 211402, [.air], "整改后仍有异味,怀疑废气处理设施未正常运行。", hld, true, .handling),
        (2, "D3LN00020002", "兴城市某砖厂", 211481, [.air], "砖厂烟囱冒黑烟。", hld, false, .pending),
        (2, "X3LN00020003", "绥中县某畜禽养殖场", 211421, [.water, .soil], "养殖粪污随意堆放,污染农田。", hld, false, .pending),
        (2, "D3LN00020004", "建昌县某采石场", 211422, [.ecology], "无证开采破坏山体植被。", hld, false, .pending),
    ]

    static func petitions(inspectionID: Int, units: [String: Int], day: (Int) -> LocalDate,
                          who: (String) throws -> Access, on db: any Database) async throws {
        let office = try who("office")
        let liaison = try who("unit:" + hld)
        var batches: [Int: Int] = [:]
        for (n, handed, reply) in [(1, -60, -30), (2, -20, 10)] {
            batches[n] = try await PetitionService.createBatch(.init(inspectionID: inspectionID, number: n, handedOverOn: day(handed),
                                                                     replyBy: day(reply), team: "省生态环境保护督察组(演示)"),
                                                               access: office, clock: .fixed(day(handed)), on: db).requireID()
        }
        for (i, c) in cases.enumerated() {
            guard let batch = batches[c.batch], let unit = units[c.unit] else { continue }
            let handed = c.batch == 1 ? -60 : -20
            let created = try await PetitionService.createCase(
                .init(batchID: batch, caseNumber: c.number, place: c.place, regionCode: c.region, complaint: c.complaint,
                      pollutionKinds: c.kinds, keyCase: c.key, unitIDs: [unit],
                      complainant: .init(name: "演示举报人\(i + 1)", phone: "1380000\(String(format: "%04d", i + 1))",
                                         idNumber: "", address: "演示地址\(i + 1)号")),
                access: office, clock: .fixed(day(handed)), on: db)
            let id = try created.requireID()
            let actor = c.unit == hld ? liaison : office
            var version = 1
            if c.outcome >= .handling {
                _ = try await PetitionService.progress(id, .init(version: version, status: .handling, finding: .founded,
                                                                 findings: "经现场核查,反映问题属实。"),
                                                       access: actor, clock: .fixed(day(handed + 5)), on: db)
                version += 1
            }
            if c.outcome >= .concludedStage {
                _ = try await PetitionService.progress(id, .init(version: version, status: c.outcome,
                                                                 measures: c.outcome == .concluded ? "责令停产整改,已完成整改并通过复查。"
                                                                     : "已责令整改,防渗工程正在施工,持续跟踪。",
                                                                 fineYuan: c.key ? 200_000 : 0, finedCompanies: c.key ? 1 : 0,
                                                                 summoned: c.key ? 1 : 0, orderedRectification: true,
                                                                 followUp: c.outcome == .concluded ? .satisfied : nil),
                                                       access: actor, clock: .fixed(day(handed + 20)), on: db)
            }
        }
    }
}
