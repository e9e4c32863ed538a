import RectifyCore

/// The 2017 central inspection of Liaoning, from seed 004: dates, the three problems
/// of the annex with their texts and status lines, and 58 tasks whose recorded
/// statuses reproduce the report's count: 13 基本完成整改, 38 按照序时进度有序推进,
/// 2 全面实施, 5 尚未达到序时进度.
enum DemoLiaoning {
    static func inspection(_ seed: DemoSeedText) -> DemoInspection {
        let draft = InspectionDraft(
            title: "第一轮中央环境保护督察(辽宁省)", level: .central, round: 1, kind: .routine,
            team: "中央第三环境保护督察组", targetRegionCode: 210000,
            stationedFrom: day("2017-04-25"), stationedUntil: day("2017-05-25"),
            feedbackDate: day("2017-07-31"),
            // 8月31日,省委十二届第43次常委会会议审议《整改方案》(seed 004).
            planApprovedDate: day("2017-08-31"))
        let problems = seed.liaoning.map {
            ProblemDraft(number: $0.number, aspect: $0.aspect ?? "", text: $0.text, regionCodes: [210000])
        }
        return DemoInspection(draft: draft, problems: problems, tasks: quotedTasks(seed) + placeholderTasks())
    }

    /// Tasks 1–3 quote the annex: problem text as target, the report's narrative as measures.
    static func quotedTasks(_ seed: DemoSeedText) -> [DemoTask] {
        let owners: [Int: [String]] = [
            1: ["中共辽宁省委宣传部", "中共辽宁省委组织部"],
            2: ["中共辽宁省委办公厅", "辽宁省人民政府办公厅"],
            3: ["辽宁省发展和改革委员会"],
        ]
        let titles: [Int: String] = [
            1: "提高生态文明建设思想认识",
            2: "定期研究部署生态环境保护工作",
            3: "落实《关于加快推进生态文明建设的意见》实施方案",
        ]
        return seed.liaoning.map { p in
            let status = PublicStatus(reportedWords: p.statusText)
            let longTerm = p.statusText.contains("长期坚持")
            return DemoTask(
                number: p.number, title: titles[p.number] ?? "反馈问题(\(p.number))整改",
                target: "整改反馈问题:" + p.text, measures: p.measures,
                kind: longTerm ? .longTerm : .timeLimited,
                deadline: longTerm ? nil : day("2018-12-31"),
                problems: [p.number], responsible: owners[p.number] ?? ["辽宁省环境保护厅"],
                supervising: [DemoCatalog.liaoningOffice], acceptance: ["辽宁省环境保护厅"],
                tags: [.other], status: status,
                state: status == .basicallyCompleted ? .accepted : .inProgress,
                milestones: longTerm ? [] : [Milestone(date: day("2017-11-30"), description: "三个月内制定贯彻落实意见或实施方案")],
                remarks: "整改进展情况:\(p.statusText)(摘自2018年9月公开的整改落实情况报告)" + (longTerm ? "" : ";" + DemoNote.placeholderTerms))
        }
    }

    /// Tasks 4–58: the seed gives only their count and statuses, so their texts are
    /// written from the report's narrative (`DemoTaskTexts`) and their remarks say so. Of these 55: 11 基本完成整改 (4–14), 2 全面实施
    /// (15–16), 5 尚未达到序时进度 (17–21), 37 按照序时进度 (22–58); with tasks 1–3
    /// that makes 13 / 38 / 2 / 5. Every third task from 4 to 55 is one of the 18
    /// 典型问题 led by a provincial leader.
    static func placeholderTasks() -> [DemoTask] {
        let owners = DemoCatalog.liaoningDepartments.dropFirst() + DemoCatalog.liaoningCities.map { "\($0.0)人民政府" }
        let tagCycle: [DomainTag] = [.water, .air, .ecology, .soil, .marine, .solidWaste, .mining]
        return (4...58).map { n in
            let status: PublicStatus = switch n {
            case 4...14: .basicallyCompleted
            case 15...16: .fullyImplemented
            case 17...21: .behindSchedule
            default: .onSchedule
            }
            let longTerm = status == .basicallyCompleted || status == .fullyImplemented
            let owner = owners[owners.startIndex + (n - 4) % owners.count]
            let typical = (n - 4) % 3 == 0 && n <= 55
            let text = DemoTaskTexts.liaoning[n]
            return DemoTask(
                number: n, title: text?.title ?? "辽宁省整改任务第\(n)项",
                target: text?.target ?? DemoNote.placeholderText, measures: text?.measures ?? DemoNote.placeholderText,
                kind: longTerm ? .longTerm : .timeLimited,
                deadline: longTerm ? nil : day("2018-12-31"),
                leadOfficial: typical ? "省级党政领导挂帅(演示数据,原文未载明姓名)" : "",
                responsible: [owner], supervising: [DemoCatalog.liaoningOffice], acceptance: ["辽宁省环境保护厅"],
                tags: [tagCycle[n % tagCycle.count]], typical: typical, status: status,
                state: status == .basicallyCompleted ? .accepted : .inProgress,
                milestones: longTerm ? [] : [Milestone(date: day("2018-06-30"), description: "完成阶段性整改目标(演示数据)")],
                remarks: DemoNote.writtenFromReport + DemoNote.placeholderTerms)
        }
    }
}
