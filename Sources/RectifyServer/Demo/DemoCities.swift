import RectifyCore

/// The four city reports of the seeds: 葫芦岛 (000), 乌海 (001), 焦作 (002), 盘锦 (003).
enum DemoCities {
    /// Seed 000: the second central round in Liaoning as Huludao reported it in 2024.
    /// The report's annex of problems was not captured, so the tasks are the work
    /// areas its text names, with its own figures; it states no per-task status.
    static func huludao() -> DemoInspection {
        let draft = InspectionDraft(
            title: "第二轮中央生态环境保护督察(葫芦岛市)", level: .central, round: 2, kind: .routine,
            team: "中央第二生态环境保护督察组", targetRegionCode: 211400,
            stationedFrom: day("2021-04-06"), stationedUntil: day("2021-05-06"), feedbackDate: day("2021-07-20"))
        let note = "演示数据:任务按报告所列工作领域整理;报告未载明整改时限与逐项进展。"
        func task(_ n: Int, _ title: String, _ target: String, _ measures: String, _ owners: [String],
                  _ tags: [DomainTag]) -> DemoTask {
            DemoTask(number: n, title: title, target: target, measures: measures, kind: .longTerm, deadline: nil,
                     leadOfficial: "市级领导包案", responsible: owners, supervising: ["葫芦岛市人民政府"],
                     acceptance: ["葫芦岛市生态环境局"], tags: tags, status: nil, state: .inProgress, remarks: note)
        }
        let tasks = [
            task(1, "入海河流总氮削减", "国家和省重点监测的入海河流总氮浓度持续下降,省重点监测的9条入海河流消除劣V类",
                 "在全市系统深入开展城乡环境整治和海洋生态保护专项行动;2023年国家和省重点监测的4条入海河流总氮浓度同比下降46%。",
                 ["葫芦岛市生态环境局"], [.water, .marine]),
            task(2, "养殖尾水排放治理", "养殖尾水达标排放", "针对养殖尾水排放治理和入海河流总氮治理工作,市主要领导深入一线调研推动。",
                 ["葫芦岛市海洋与渔业局"], [.marine, .water]),
            task(3, "皂化渣工业固废处理", "皂化渣等工业固废得到规范处置", "市主要领导带头深入一线调研皂化渣工业固废处理问题,重点问题提请“双组长”督办。",
                 ["葫芦岛市工业和信息化局"], [.solidWaste]),
            task(4, "渔港治理", "渔港环境问题整治到位", "市主要领导带头深入一线调研渔港治理问题;加强海岸线管理,实施严格的岸线开发管控办法。",
                 ["葫芦岛市海洋与渔业局"], [.marine]),
            task(5, "大气污染防治与“三禁”攻坚", "全市环境空气质量达到国家二级标准",
                 "制定《葫芦岛市“禁燃、禁放、禁烧”攻坚行动工作方案》;开展秸秆管控;推进“公转铁”、柴油货车清洁化等“五大专项行动”。2023年环境空气质量达标率80.2%,PM2.5浓度35微克/立方米。",
                 ["葫芦岛市生态环境局"], [.air]),
            task(6, "遏制“两高”项目盲目发展", "能耗双控目标落实,“两高”项目清单化管理",
                 "制定《葫芦岛市关于坚决遏制“两高”项目盲目发展工作方案》,梳理排查在建“两高”项目,建立清单台账。",
                 ["葫芦岛市工业和信息化局"], [.other]),
            task(7, "农村环境整治", "农业面源污染得到控制,农村人居环境改善",
                 "畜禽粪污综合利用率达到87.3%;建立各类型回收站(点)2035个,废弃农膜反光膜总体回收率超过83%;2023年创建82个省级美丽宜居村。",
                 ["葫芦岛市农业农村局"], [.soil]),
            task(8, "历史遗留废弃矿山生态治理", "历史遗留废弃矿山生态环境问题得到治理",
                 "持续推进矿山生态保护和恢复治理,加快恢复山体生态功能,着力推进绿色矿山建设。",
                 ["葫芦岛市人民政府"], [.mining, .ecology]),
        ]
        return DemoInspection(draft: draft, problems: [], tasks: tasks)
    }

    /// Seed 001: Wuhai's plan after the second autonomous-region round. The plan's
    /// four areas of work are the problems; its 2025 targets are the tasks, each with
    /// the districts answerable and the department that accepts (整改方案:“各区党委、
    /// 政府承担整改主体责任……市直各相关部门……做好……验收销号”).
    static func wuhai() -> DemoInspection {
        let draft = InspectionDraft(
            title: "第二轮自治区生态环境保护督察(乌海市)", level: .provincial, round: 2, kind: .routine,
            team: "自治区第二生态环境保护督察组", targetRegionCode: 150300,
            stationedFrom: day("2023-10-31"), stationedUntil: day("2023-11-24"), feedbackDate: day("2024-03-27"))
        let problems = [
            ProblemDraft(number: 1, aspect: "思想认识", text: "坚决贯彻落实习近平生态文明思想。", regionCodes: [150300]),
            ProblemDraft(number: 2, aspect: "黄河流域", text: "切实推动黄河流域生态环境治理。", regionCodes: [150300]),
            ProblemDraft(number: 3, aspect: "生态", text: "全力筑牢我国北方重要生态安全屏障。", regionCodes: [150300]),
            ProblemDraft(number: 4, aspect: "污染防治", text: "深入打好污染防治攻坚战。", regionCodes: [150300]),
        ]
        let districts = ["海勃湾区人民政府", "海南区人民政府", "乌达区人民政府"]
        let end2025 = day("2025-12-31")
        func task(_ n: Int, _ title: String, _ target: String, problem: Int, acceptor: String, _ tags: [DomainTag],
                  responsible: [String]? = nil, longTerm: Bool = false) -> DemoTask {
            DemoTask(number: n, title: title, target: target, measures: "",
                     kind: longTerm ? .longTerm : .timeLimited, deadline: longTerm ? nil : end2025,
                     problems: [problem], responsible: responsible ?? districts, supervising: ["乌海市人民政府"],
                     acceptance: [acceptor], tags: tags, status: nil, state: .assigned,
                     milestones: longTerm ? [] : [Milestone(date: day("2024-12-31"), description: "公开年度整改工作进展")])
        }
        let tasks = [
            task(1, "学习贯彻习近平生态文明思想", "纳入各级党委(党组)理论学习中心组学习、市委党校教学和党政领导干部培训",
                 problem: 1, acceptor: "中共乌海市委宣传部", [.other], responsible: ["中共乌海市委宣传部"], longTerm: true),
            task(2, "空气质量改善", "到2025年底,全市空气质量优良天数比率达到84.1%,细颗粒物平均浓度不超过31微克/立方米",
                 problem: 4, acceptor: "乌海市生态环境局", [.air]),
            task(3, "地表水水质改善", "到2025年底,地表水国控考核断面水质达到或好于III类水体比例为50%,劣V类水体控制比例为50%",
                 problem: 2, acceptor: "乌海市生态环境局", [.water]),
            task(4, "地下水采补平衡与用水总量控制", "地下水超采区达到采补平衡,用水总量不超过自治区下达控制指标",
                 problem: 2, acceptor: "乌海市水务局", [.water]),
            task(5, "森林草原生态质量提升", "森林覆盖率达到3.8%,草原综合植被盖度稳定在21%",
                 problem: 3, acceptor: "乌海市林业和草原局", [.ecology]),
            task(6, "绿色矿山建设与露天矿山治理", "在产矿山达到国家或自治区级绿色矿山建设标准,全市露天矿山实现应治尽治",
                 problem: 3, acceptor: "乌海市自然资源局", [.mining]),
            task(7, "水土保持与荒漠化防治", "力争2025年完成治理流域面积40平方公里,水土保持率达到43.32%",
                 problem: 3, acceptor: "乌海市水务局", [.ecology]),
            task(8, "湿地保护", "到2025年湿地保护率达到35%,力争把龙游湾湿地打造成国家级重要湿地",
                 problem: 3, acceptor: "乌海市林业和草原局", [.ecology, .water]),
            task(9, "能耗与用水强度下降", "单位GDP能耗、用水量较2020年分别下降18%和20%",
                 problem: 2, acceptor: "乌海市发展和改革委员会", [.other]),
            task(10, "农业面源污染治理", "测土配方施肥技术覆盖率达到90%以上、废旧地膜回收率达到85%以上",
                 problem: 4, acceptor: "乌海市农牧局", [.soil]),
            task(11, "园区雨污分流与疏干水利用", "园区重点涉水企业按照环评批复要求建成初级雨水收集池,疏干水利用率达到80%以上",
                 problem: 4, acceptor: "乌海市生态环境局", [.water]),
            task(12, "生活垃圾分类与无害化处理", "基本建成生活垃圾分类处理系统,城镇生活垃圾无害化处理率达100%",
                 problem: 4, acceptor: "乌海市住房和城乡建设局", [.solidWaste]),
        ]
        return DemoInspection(draft: draft, problems: problems, tasks: tasks)
    }

    /// Seed 002: 焦作 — “46项整改任务中完成34项,其他12正在推进”. The report's task
    /// annex (a .doc) was not captured, so the task texts are placeholders. It does
    /// not say which round the inspection was.
    static func jiaozuo() -> DemoInspection {
        let draft = InspectionDraft(
            title: "河南省委生态环境保护督察(焦作市)", level: .provincial, round: nil, kind: .routine,
            team: "省委第七生态环境保护督察组", targetRegionCode: 410800,
            stationedFrom: day("2021-12-29"), stationedUntil: day("2022-03-09"), feedbackDate: day("2022-05-20"))
        let counties = DemoCatalog.jiaozuoCounties.map { "\($0.0)人民政府" }
        let tasks = (1...46).map { n in
            let done = n <= 34
            let text = DemoTaskTexts.jiaozuo[n]
            return DemoTask(number: n, title: text?.title ?? "焦作市整改任务第\(n)项",
                            target: text?.target ?? DemoNote.placeholderText, measures: text?.measures ?? DemoNote.placeholderText,
                            kind: .timeLimited, deadline: day("2022-12-31"),
                            responsible: [counties[(n - 1) % counties.count]], supervising: ["焦作市人民政府"],
                            acceptance: ["焦作市生态环境局"], tags: [[DomainTag.air, .water, .soil, .ecology][n % 4]],
                            status: done ? .completed : .inProgress, state: done ? .closed : .inProgress,
                            remarks: DemoNote.writtenFromReport + DemoNote.placeholderTerms)
        }
        return DemoInspection(draft: draft, problems: [], tasks: tasks)
    }

    /// Seed 003: 盘锦 in 2017 — 9 aspects of rectification (5 shared across the province,
    /// 4 its own) and 91 petition cases handed over in 30 batches: “扣除重复访和不实,应完成
    /// 整改61项,实际完成53项,还有8项正在整改中”. Those 61 items are petition cases
    /// (`DemoPetitions`), not tasks; the one rectification project the report names, 辽东湾
    /// 三条沟 (due by the end of 2018), is a task, the long-term work of its case.
    static func panjin() -> DemoInspection {
        let draft = InspectionDraft(
            title: "第一轮中央环境保护督察(盘锦市)", level: .central, round: 1, kind: .routine,
            team: "中央第三环境保护督察组", targetRegionCode: 211100,
            stationedFrom: day("2017-04-25"), stationedUntil: day("2017-06-10"), feedbackDate: day("2017-07-31"))
        let problems = (1...9).map { n in
            ProblemDraft(number: n, aspect: n <= 5 ? "全省共性问题" : "本市问题",
                         text: "盘锦市整改方面第\(n)项(演示占位:种子报告只给出9个方面,其中全省共性问题5个、本市问题4个,未列出各方面原文)。",
                         regionCodes: [211100])
        }
        let tasks = [DemoTask(
            number: 1, title: "辽东湾三条沟环境安全风险防控项目", target: "消除辽东湾三条沟环境安全风险",
            measures: "计划在2018年底完成。", kind: .timeLimited, deadline: day("2018-12-31"),
            responsible: ["辽东湾新区管理委员会"], supervising: ["盘锦市人民政府"], acceptance: ["盘锦市环境保护局"],
            tags: [.water, .marine], status: .inProgress, state: .inProgress,
            remarks: "种子报告:除辽东湾三条沟环境安全风险防控项目计划在2018年底完成外,其他预计能够按期完成。")]
        return DemoInspection(draft: draft, problems: problems, tasks: tasks)
    }
}
