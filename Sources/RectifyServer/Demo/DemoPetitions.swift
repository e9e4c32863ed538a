import Fluent
import Foundation
import SQLKit
import RectifyCore

/// The seeds' petition and accountability figures backed by records (issue 13 §6):
/// - 辽宁 (seed 004): “中央第三环境保护督察组交办的6991件群众信访投诉案件,已办结6591件,
///   办结率94%” and “移交的14个责任追究问题线索” with 143 people held to account;
/// - 盘锦 (seed 003): “转办信访事项30批91件…其中重点案件21件;案件按时限办结率…100%”,
///   and of the 91 “扣除重复访和不实,应完成整改61项,实际完成53项,还有8项正在整改中”:
///   12 repeat visits and 18 unfounded (the seed gives only their sum, 30), 53 concluded,
///   8 concluded for the stage (handled in time, rectification going on), one of them
///   辽东湾三条沟, the long-term work of the inspection's task 1;
/// - 焦作 (seed 002): “督察期间交办的228件群众信访举报件全部办结”.
///
/// The seeds give totals only. Every case's place, text, finding and complainant, the
/// batches of 辽宁 and 焦作, and the accountability breakdown are made up to reproduce
/// those totals, and say so (演示数据). The seeds give no enforcement figures for these
/// cases, so none are invented: no fines, detentions or 责令整改 are recorded on them. Batches and leads go through the services;
/// the thousands of historical cases are written in bulk, each batch's with one audit
/// event that records how many it holds.
enum DemoPetitions {
    /// How a case ended: 办结; 阶段性办结 (rectification going on); still 办理中; a repeat
    /// visit (重复访) of an earlier case's place; unfounded (不属实).
    enum Outcome { case concluded, stage, open, repeatVisit, unfounded }

    struct Plan {
        let inspectionTitle: String
        let team: String
        /// Batch n is handed over `firstDay + (n - 1)` and answered within `replyDays`.
        let firstDay: LocalDate
        let batches: Int
        let cases: Int
        let key: Int
        let prefix: String
        /// (region code, handling unit) in turn.
        let places: [(region: Int, area: String, unit: String)]
        let replyDays: Int
        /// The outcome of the case at an index.
        let outcome: @Sendable (Int) -> Outcome
        /// Every n-th case names the place of the case 12 before it (repeat complaints); nil when
        /// the outcomes say which cases are repeat visits.
        var repeatEvery: Int? = 25
        /// A case linked to a task of the inspection: (case index, task number, place, complaint).
        var linked: (index: Int, task: Int, place: String, complaint: String)? = nil
    }

    /// Noon of a day, China time.
    static func noon(_ d: LocalDate) -> Date { Date(timeIntervalSince1970: TimeInterval(d.dayNumber) * 86_400 + 4 * 3_600) }

    /// `k` of `n` indices spread evenly: true for index `i` when it is one of them.
    static func spread(_ i: Int, _ k: Int, of n: Int) -> Bool { k > 0 && n > 0 && (i * k) / n != ((i + 1) * k) / n }

    /// 盘锦's 91: 53 concluded, 8 for the stage, 12 repeat visits, 18 unfounded, interleaved
    /// (37 is prime to 91, so i × 37 mod 91 visits every position once).
    static let panjinOutcomes: [Outcome] = {
        let list = Array(repeating: Outcome.concluded, count: 53) + Array(repeating: .stage, count: 8)
            + Array(repeating: .repeatVisit, count: 12) + Array(repeating: .unfounded, count: 18)
        return (0..<91).map { list[($0 * 37) % 91] }
    }()

    static let plans: [Plan] = [
        Plan(inspectionTitle: "第一轮中央环境保护督察(辽宁省)", team: "中央第三环境保护督察组", firstDay: LocalDate(iso: "2017-04-28")!,
             batches: 30, cases: 6_991, key: 0, prefix: "3LN2017",
             places: DemoCatalog.liaoningCities.map { ($0.1, $0.0, "\($0.0)人民政府") }, replyDays: 30,
             // 已办结6591件: the other 400 still under way.
             outcome: { i in spread(i, 400, of: 6_991) ? .open : i % 6 == 5 ? .unfounded : .concluded }),
        Plan(inspectionTitle: "第一轮中央环境保护督察(盘锦市)", team: "中央第三环境保护督察组", firstDay: LocalDate(iso: "2017-04-28")!,
             batches: 30, cases: 91, key: 21, prefix: "3PJ2017",
             places: [(211102, "双台子区", "盘锦市人民政府"), (211103, "兴隆台区", "盘锦市人民政府"), (211104, "大洼区", "盘锦市人民政府"),
                      (211122, "盘山县", "盘锦市人民政府"), (211100, "辽东湾新区", "辽东湾新区管理委员会")],
             replyDays: 15, outcome: { i in i < panjinOutcomes.count ? panjinOutcomes[i] : .concluded }, repeatEvery: nil,
             linked: (index: panjinOutcomes.firstIndex(of: .stage) ?? 0, task: 1, place: "辽东湾新区三条沟",
                      complaint: "三条沟排水沟渠污染物积存,存在环境安全风险,担心污染近岸海域。")),
        Plan(inspectionTitle: "河南省委生态环境保护督察(焦作市)", team: "省委第七生态环境保护督察组", firstDay: LocalDate(iso: "2022-01-04")!,
             batches: 20, cases: 228, key: 0, prefix: "7JZ2022",
             places: DemoCatalog.jiaozuoCounties.map { ($0.1, $0.0, "\($0.0)人民政府") }, replyDays: 30,
             outcome: { i in i % 6 == 5 ? .unfounded : .concluded }),
    ]

    /// What a complaint was about, and what handling it found and did.
    static let themes: [(kinds: [PollutionKind], place: String, complaint: String, measures: String)] = [
        ([.air], "化工企业", "企业夜间排放刺鼻异味废气,周边居民无法开窗。", "企业停产整治,完善废气收集处理设施,经监测达标后恢复生产。"),
        ([.water], "屠宰厂", "屠宰废水未经处理直排河道,河水发黑发臭。", "企业建成污水处理设施并稳定运行,河道已清淤。"),
        ([.air, .noise], "石材加工厂", "石材切割粉尘大、噪声扰民,昼夜生产。", "企业加装除尘和隔声设施,限定生产时间,复查达标。"),
        ([.solidWaste], "煤矸石堆场", "煤矸石随意倾倒堆放,自燃冒烟。", "清理违规堆放的煤矸石,实施覆土绿化,建立巡查制度。"),
        ([.water, .soil], "畜禽养殖场", "养殖粪污随意堆放,雨后流入农田和沟渠。", "养殖场建成粪污贮存设施,粪污资源化利用,周边沟渠已清理。"),
        ([.ecology], "采石场", "无证开采破坏山体植被。", "采石场已关停,编制生态修复方案并实施复绿。"),
        ([.air], "燃煤锅炉房", "小锅炉烟囱冒黑烟。", "淘汰10吨以下燃煤小锅炉,改为集中供热。"),
        ([.water], "河段", "河道两岸堆放生活垃圾,雨后冲入河道。", "清理河道垃圾,落实河长巡河,设置垃圾收集点。"),
        ([.noise], "建筑工地", "夜间施工噪声扰民。", "工地停止夜间施工,建立夜间施工审批公示制度。"),
        ([.air, .solidWaste], "废品收购站", "露天焚烧废旧电线和塑料,黑烟刺鼻。", "取缔露天焚烧行为,清理现场并纳入网格巡查。"),
        ([.water], "洗砂场", "洗砂废水直排,河道淤积。", "依法取缔非法洗砂场,恢复河道原貌。"),
        ([.soil, .solidWaste], "电镀作坊", "非法电镀作坊废液渗入地下。", "非法电镀作坊已取缔,开展土壤污染状况调查。"),
    ]

    static func load(on db: any Database, inspections: [String: Int], units: [String: Int]) async throws {
        guard let admin = try await User.query(on: db).filter(\.$login == "admin").first() else { return }
        let access = try await Access.load(admin, on: db)
        for plan in plans {
            guard let inspectionID = inspections[plan.inspectionTitle] else { continue }
            try await load(plan, inspectionID: inspectionID, access: access, units: units, on: db)
        }
        if let liaoning = inspections[plans[0].inspectionTitle] {
            try await accountability(inspectionID: liaoning, on: db)
        }
    }

    static func load(_ plan: Plan, inspectionID: Int, access: Access, units: [String: Int], on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        let now = Date()
        var linkedTask: Int?
        if let n = plan.linked?.task {
            linkedTask = try await TaskRecord.query(on: db).filter(\.$inspection.$id == inspectionID).filter(\.$number == n).first()?.id
        }
        let columns = ["batch_id", "case_number", "source", "place", "place_key", "region_code", "complaint", "pollution_kinds",
                       "key_case", "due_date", "status", "finding", "findings", "measures", "fine_yuan", "fined_companies",
                       "detained", "summoned", "held_to_account", "ordered_rectification", "progressed_at", "stage_concluded_on",
                       "concluded_on", "follow_up", "task_id", "complainant_name", "complainant_phone", "complainant_id_number",
                       "complainant_address", "version", "created_at"]
        var index = 0
        var placeNumbers: [Int] = []
        for b in 1...plan.batches {
            let handed = plan.firstDay.adding(days: b - 1)
            let replyBy = handed.adding(days: plan.replyDays)
            let batch = try await PetitionService.createBatch(.init(inspectionID: inspectionID, number: b, handedOverOn: handed,
                                                                    replyBy: replyBy, team: plan.team),
                                                              access: access, clock: .fixed(handed), on: db)
            let batchID = try batch.requireID()
            let count = plan.cases / plan.batches + (b <= plan.cases % plan.batches ? 1 : 0)
            var rows: [[any Encodable & Sendable]] = []
            var concluded = 0
            for seq in 1...count {
                let i = index
                index += 1
                let theme = themes[i % themes.count]
                let place = plan.places[(i / themes.count) % plan.places.count]
                let outcome = plan.outcome(i)
                let linked = plan.linked?.index == i ? plan.linked : nil
                // A repeat visit names the place an earlier case named; so does every n-th case of 辽宁 and 焦作.
                let earlier = outcome == .repeatVisit ? i - 5 : (plan.repeatEvery.map { i % $0 == $0 - 1 } == true ? i - 12 : i)
                let placeNumber = earlier >= 0 && earlier < i ? placeNumbers[earlier] : i
                placeNumbers.append(placeNumber)
                let area = plan.places[(placeNumber / themes.count) % plan.places.count].area
                let placeText = linked?.place ?? "\(area)某\(themes[placeNumber % themes.count].place)(演示第\(placeNumber + 1)号)"
                let finding: PetitionFinding = outcome == .unfounded ? .unfounded
                    : [PetitionFinding.founded, .founded, .mostlyFounded, .partlyFounded][i % 4]
                let done = handed.adding(days: 5 + i % max(1, plan.replyDays - 5))
                let letter = i % 3 == 0
                let number = (letter ? "X" : "D") + plan.prefix + String(format: "%02d%02d%04d", handed.month, handed.day, seq)
                let measures: String = switch outcome {
                case .unfounded: "经核查反映问题不属实,已向举报人反馈核查情况。"
                case .repeatVisit: "与此前交办的同一对象举报重复,并案办理,已向举报人反馈。"
                case .open: "整改正在推进。"
                case .stage: linked == nil ? "已完成阶段性整改,后续整改按计划推进。" : "编制三条沟环境安全风险防控方案,项目计划2018年底完成。"
                case .concluded: theme.measures
                }
                let status: PetitionStatus = switch outcome {
                case .open: .handling
                case .stage: .concludedStage
                default: .concluded
                }
                if status == .concluded { concluded += 1 }
                rows.append([
                    batchID, number, (letter ? PetitionSource.letter : .phone).rawValue, placeText, PlaceKey.of(placeText), place.region,
                    (linked?.complaint ?? theme.complaint) + "(演示数据:种子只给出件数)", theme.kinds.map(\.rawValue).joined(separator: ","),
                    spread(i, plan.key, of: plan.cases), replyBy.iso, status.rawValue, finding.rawValue,
                    finding == .unfounded ? "经现场核查,未发现所反映的问题。" : "经现场核查,反映问题\(finding.label)。",
                    measures, 0, 0, 0, 0, 0, false,
                    // Reported on the day it was handled, not on the load day (a round counts reports by date).
                    noon(status == .handling ? handed.adding(days: 5) : done),
                    (status == .concludedStage ? done.iso : nil) as String?, (status == .concluded ? done.iso : nil) as String?,
                    (status == .concluded ? FollowUp.satisfied.rawValue : nil) as String?, linked == nil ? nil : linkedTask,
                    "演示举报人\(i + 1)", "139" + String(format: "%08d", i + 1), "", "", status == .handling ? 2 : 3, now,
                ])
            }
            for chunk in stride(from: 0, to: rows.count, by: 200) {
                var insert = sql.insert(into: "petition_cases").columns(columns)
                for row in rows[chunk..<min(chunk + 200, rows.count)] { insert = insert.values(row) }
                try await insert.run()
            }
            try await Audit.record(on: db, actor: access.auditActor, action: .petitionBatchLoad, recordType: "petition_batch",
                                   recordID: batchID, taskID: nil, before: Optional<String>.none,
                                   after: ["cases": count, "concluded": concluded], now: now)
        }
        // Each case to the unit of its place.
        for unitName in Set(plan.places.map(\.unit)) {
            guard let unit = units[unitName] else { continue }
            let regions = plan.places.filter { $0.unit == unitName }.map(\.region)
            try await sql.raw("""
                INSERT INTO petition_case_units (case_id, unit_id) SELECT c.id, \(bind: unit) FROM petition_cases c \
                JOIN petition_batches b ON b.id = c.batch_id WHERE b.inspection_id = \(bind: inspectionID) \
                AND c.region_code IN (\(binds: regions))
                """).run()
        }
    }

    /// 辽宁: 14 leads handed over by the team, 143 people held to account, through the
    /// service as discipline inspection would enter them. Who they were is made up.
    static func accountability(inspectionID: Int, on db: any Database) async throws {
        guard let user = try await User.query(on: db).filter(\.$login == "discipline").first() else { return }
        let access = try await Access.load(user, on: db)
        let measures: [AccountabilityMeasure] = [.admonition, .talk, .criticism, .partyDiscipline, .governmentSanction, .organisational,
                                                 .talk, .admonition, .partyDiscipline, .governmentSanction]
        let ranks: [OfficialRank] = [.section, .division, .section, .other, .section, .division, .section, .department, .section, .division]
        let cities = DemoCatalog.liaoningCities
        var person = 0
        for lead in 1...14 {
            let city = cities[(lead - 1) % cities.count]
            let received = LocalDate(iso: "2017-07-31")!
            let c = try await AccountabilityService.create(
                .init(inspectionID: inspectionID, regionCode: city.1, source: .team,
                      summary: "\(city.0)生态环境损害责任追究问题线索(演示第\(lead)条:种子只给出移交14条线索、问责143人)",
                      receivedOn: received), access: access, clock: .fixed(received), on: db)
            let id = try c.requireID()
            let people = 143 / 14 + (lead <= 143 % 14 ? 1 : 0)
            for _ in 0..<people {
                let decided = LocalDate(iso: "2017-10-20")!.adding(days: person % 60)
                _ = try await AccountabilityService.addPerson(id, .init(
                    name: "演示人员\(person + 1)", post: ["副局长", "科长", "镇长", "副县长", "主任"][person % 5],
                    rank: ranks[person % ranks.count], organisation: "\(city.0)某单位(演示)",
                    measure: measures[person % measures.count], decidedOn: decided),
                    access: access, clock: .fixed(decided), on: db)
                person += 1
            }
        }
    }
}
