import RectifyCore

/// Shanxi's problems 三十七 to 六十 from seed 004, each with its status line and
/// measures as published. The report names neither the team nor the dates of the
/// inspection, so those stay empty rather than invented.
enum DemoShanxi {
    struct Owner {
        let title: String
        let regions: [Int]
        let responsible: [String]
        var cooperating: [String] = []
        let tags: [DomainTag]
        /// Only where the report itself states a date.
        var deadline: String? = nil
    }

    static func gov(_ cities: String...) -> [String] { cities.map { "\($0)人民政府" } }

    /// Who answers for each problem and where it lies, read from the problem and
    /// measure texts.
    static let owners: [Int: Owner] = [
        37: .init(title: "晋中市太榆退水渠、潇河等河流污染治理", regions: [140700, 140702, 140703, 140725, 140728], responsible: gov("晋中市"), tags: [.water]),
        38: .init(title: "吕梁市岚县污水处理厂建设与达标排放", regions: [141100, 141127], responsible: gov("吕梁市"), tags: [.water]),
        39: .init(title: "临汾市污水处理厂及浍河、鄂河治理工程建设", regions: [141000, 141033], responsible: gov("临汾市"), tags: [.water]),
        40: .init(title: "太原、晋中、吕梁、临汾4市生活污水直排汾河治理", regions: [140100, 140700, 141100, 141000],
                  responsible: gov("太原市", "晋中市", "吕梁市", "临汾市"), tags: [.water], deadline: "2020-12-31"),
        41: .init(title: "桑干河流域水污染治理", regions: [140200, 140221, 140222], responsible: gov("大同市") + ["大同煤矿集团有限责任公司"],
                  tags: [.water], deadline: "2018-12-31"),
        42: .init(title: "清徐、河津、介休、泽州等地重化企业环境整治", regions: [140121, 140882, 140781, 140525],
                  responsible: gov("太原市", "运城市", "晋中市", "晋城市"), tags: [.air]),
        43: .init(title: "朔州等地小型煤场扬尘治理", regions: [140600], responsible: gov("朔州市"), tags: [.air]),
        44: .init(title: "定襄县锻造企业黑烟和烟尘治理", regions: [140921], responsible: gov("忻州市"), tags: [.air]),
        45: .init(title: "汾河太原晋源段、小店段和临汾洪洞段非法采砂整治", regions: [140110, 140105, 141024],
                  responsible: gov("太原市", "临汾市"), tags: [.water, .ecology]),
        46: .init(title: "晋城、吕梁等地畜禽养殖污染治理", regions: [140500, 141100], responsible: gov("晋城市", "吕梁市"),
                  cooperating: ["山西省农业厅"], tags: [.water, .soil]),
        47: .init(title: "煤炭开采破坏水资源与岩溶大泉保护", regions: [140000], responsible: ["山西省水利厅"],
                  cooperating: ["山西省国土资源厅"], tags: [.water, .mining]),
        48: .init(title: "洪山泉域重点保护区内煤矿处置", regions: [140700, 140781], responsible: gov("晋中市"),
                  cooperating: ["山西省水利厅"], tags: [.water, .mining]),
        49: .init(title: "郭庄泉域重点保护区内煤矿处置", regions: [141000, 141082], responsible: gov("临汾市"),
                  cooperating: ["山西省水利厅"], tags: [.water, .mining]),
        50: .init(title: "晋祠泉域重点保护区内煤矿处置", regions: [140100], responsible: gov("太原市"),
                  cooperating: ["山西省水利厅"], tags: [.water, .mining]),
        51: .init(title: "自然保护区违法违规建设项目清理整治", regions: [140000, 140200, 140224, 140600, 140800, 141123],
                  responsible: ["山西省林业厅"], tags: [.ecology]),
        52: .init(title: "矿山生态恢复治理", regions: [140000], responsible: ["山西省国土资源厅"],
                  cooperating: ["山西省财政厅"], tags: [.mining, .ecology]),
        53: .init(title: "煤矸石堆存污染治理", regions: [140000], responsible: ["山西省环境保护厅"], tags: [.solidWaste, .mining]),
        54: .init(title: "阳泉、吕梁矸石山综合治理", regions: [140300, 141100],
                  responsible: gov("阳泉市", "吕梁市") + ["晋能集团有限公司", "山西焦煤集团有限责任公司"], tags: [.solidWaste, .mining]),
        55: .init(title: "露天煤矿生态破坏和自燃治理", regions: [140900, 141100, 140600, 140700],
                  responsible: gov("忻州市", "吕梁市", "朔州市", "晋中市"), tags: [.mining, .ecology]),
        56: .init(title: "忻州市露天煤矿自燃治理", regions: [140900], responsible: gov("忻州市"), tags: [.mining, .air]),
        57: .init(title: "交口县露天煤矿扬尘和生态治理", regions: [141130], responsible: gov("吕梁市"), tags: [.mining, .air]),
        58: .init(title: "中煤平朔集团东露天煤矿扬尘和矸石治理", regions: [140602],
                  responsible: gov("朔州市") + ["中煤平朔集团有限公司"], tags: [.mining, .air]),
        59: .init(title: "非煤矿山地质环境治理恢复保证金政策", regions: [140000], responsible: ["山西省国土资源厅"],
                  cooperating: ["山西省财政厅"], tags: [.mining]),
        60: .init(title: "私挖乱采整治", regions: [140300, 140781, 141027, 141022, 141023, 140100, 140122],
                  responsible: ["山西省国土资源厅"] + gov("阳泉市", "晋中市", "临汾市", "太原市"), tags: [.mining, .ecology]),
    ]

    static func inspection(_ seed: DemoSeedText) -> DemoInspection {
        let draft = InspectionDraft(
            title: "第一轮中央环境保护督察(山西省)", level: .central, round: 1, kind: .routine,
            team: "中央环境保护督察组(公开报告未载明组别)", targetRegionCode: 140000)
        let problems = seed.shanxi.map {
            ProblemDraft(number: $0.number, text: $0.text, regionCodes: owners[$0.number]?.regions ?? [140000])
        }
        let tasks = seed.shanxi.map { p -> DemoTask in
            let owner = owners[p.number]!
            let status = PublicStatus(reportedWords: p.statusText)
            return DemoTask(
                number: p.number, title: owner.title, target: "整改反馈问题:" + p.text, measures: p.measures,
                kind: .timeLimited, deadline: day(owner.deadline ?? "2018-12-31"), problems: [p.number],
                responsible: owner.responsible, cooperating: owner.cooperating,
                acceptance: ["山西省环境保护厅"], tags: owner.tags, status: status,
                state: status == .completed ? .closed : .inProgress,
                remarks: "整改进展情况:\(p.statusText)(摘自2018年9月公开的整改落实情况)"
                    + (owner.deadline == nil ? ";演示数据:整改时限、验收单位为示例,原文未载明。" : ";演示数据:验收单位为示例,原文未载明。"))
        }
        return DemoInspection(draft: draft, problems: problems, tasks: tasks)
    }
}
