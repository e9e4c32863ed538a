import RectifyCore

/// Units and users of the demo. Names are the bodies the seed reports name, with
/// the titles they had at the time of each report.
enum DemoCatalog {
    static let users: [DemoUser] = [
        .init(login: "admin", password: "admin-demo", displayName: "系统管理员", unit: nil, roles: [.admin]),
        .init(login: "office", password: "office-demo", displayName: "省整改办 王静", unit: liaoningOffice, roles: [.office]),
        .init(login: "unit", password: "unit-demo", displayName: "省发展改革委 联络员 刘洋", unit: "辽宁省发展和改革委员会", roles: [.unit]),
        .init(login: "acceptor", password: "acceptor-demo", displayName: "省环保厅 验收组 陈晨", unit: "辽宁省环境保护厅", roles: [.acceptor]),
        .init(login: "leader", password: "leader-demo", displayName: "省政府 分管领导 赵明", unit: "辽宁省人民政府", roles: [.leader]),
        .init(login: "discipline", password: "discipline-demo", displayName: "省纪委监委 审查调查室 孙立", unit: "中共辽宁省纪律检查委员会",
              roles: [.discipline]),
        // The offices of the levels below (issue 14): each sees its own region and below.
        .init(login: "panjin", password: "panjin-demo", displayName: "盘锦市整改办 李红", unit: panjinOffice, roles: [.office]),
        .init(login: "huludao", password: "huludao-demo", displayName: "葫芦岛市整改办 张伟", unit: huludaoOffice, roles: [.office]),
        .init(login: "panshan", password: "panshan-demo", displayName: "盘山县整改办 周丽", unit: panshanOffice, roles: [.office]),
    ]

    static let panjinOffice = "盘锦市环境保护督察整改工作领导小组办公室"
    static let huludaoOffice = "葫芦岛市环境保护督察整改工作领导小组办公室"
    static let panshanOffice = "盘山县环境保护督察整改工作领导小组办公室"
    static let panshanGovernment = "盘山县人民政府"

    static let liaoningOffice = "辽宁省环境保护督察整改工作领导小组办公室"

    static let liaoningDepartments = [
        "辽宁省环境保护厅", "辽宁省发展和改革委员会", "辽宁省住房和城乡建设厅", "辽宁省水利厅",
        "辽宁省林业厅", "辽宁省国土资源厅", "辽宁省海洋与渔业厅", "辽宁省农村经济委员会",
    ]

    static let liaoningCities: [(String, Int)] = [
        ("沈阳市", 210100), ("大连市", 210200), ("鞍山市", 210300), ("抚顺市", 210400), ("本溪市", 210500),
        ("丹东市", 210600), ("锦州市", 210700), ("营口市", 210800), ("阜新市", 210900), ("辽阳市", 211000),
        ("盘锦市", 211100), ("铁岭市", 211200), ("朝阳市", 211300), ("葫芦岛市", 211400),
    ]

    static let shanxiCities: [(String, Int)] = [
        ("太原市", 140100), ("大同市", 140200), ("阳泉市", 140300), ("晋城市", 140500), ("朔州市", 140600),
        ("晋中市", 140700), ("运城市", 140800), ("忻州市", 140900), ("临汾市", 141000), ("吕梁市", 141100),
    ]

    static let jiaozuoCounties: [(String, Int)] = [
        ("解放区", 410802), ("中站区", 410803), ("马村区", 410804), ("山阳区", 410811), ("修武县", 410821),
        ("博爱县", 410822), ("武陟县", 410823), ("温县", 410825), ("沁阳市", 410882), ("孟州市", 410883),
    ]

    static let units: [DemoUnit] = {
        var u: [DemoUnit] = [
            .init(name: liaoningOffice, kind: .other, region: 210000),
            .init(name: "辽宁省人民政府", kind: .government, region: 210000),
            .init(name: "辽宁省人民政府办公厅", kind: .government, region: 210000),
            .init(name: "中共辽宁省委办公厅", kind: .partyCommittee, region: 210000),
            .init(name: "中共辽宁省委宣传部", kind: .partyCommittee, region: 210000),
            .init(name: "中共辽宁省委组织部", kind: .partyCommittee, region: 210000),
            .init(name: "中共辽宁省纪律检查委员会", kind: .partyCommittee, region: 210000),
        ]
        u += liaoningDepartments.map { .init(name: $0, kind: .department, region: 210000) }
        u += liaoningCities.map { .init(name: "\($0.0)人民政府", kind: .government, region: $0.1) }
        u += [
            .init(name: "盘锦市环境保护局", kind: .department, region: 211100),
            .init(name: panjinOffice, kind: .other, region: 211100),
            .init(name: huludaoOffice, kind: .other, region: 211400),
            .init(name: panshanOffice, kind: .other, region: 211122),
            .init(name: panshanGovernment, kind: .government, region: 211122),
            .init(name: "盘山县环境保护局", kind: .department, region: 211122),
            .init(name: "辽东湾新区管理委员会", kind: .government, region: 211100),
            .init(name: "葫芦岛市生态环境局", kind: .department, region: 211400),
            .init(name: "葫芦岛市海洋与渔业局", kind: .department, region: 211400),
            .init(name: "葫芦岛市农业农村局", kind: .department, region: 211400),
            .init(name: "葫芦岛市工业和信息化局", kind: .department, region: 211400),
            .init(name: "山西省人民政府", kind: .government, region: 140000),
            .init(name: "山西省环境保护厅", kind: .department, region: 140000),
            .init(name: "山西省水利厅", kind: .department, region: 140000),
            .init(name: "山西省林业厅", kind: .department, region: 140000),
            .init(name: "山西省国土资源厅", kind: .department, region: 140000),
            .init(name: "山西省财政厅", kind: .department, region: 140000),
            .init(name: "山西省农业厅", kind: .department, region: 140000),
            .init(name: "大同煤矿集团有限责任公司", kind: .enterprise, region: 140200),
            .init(name: "晋能集团有限公司", kind: .enterprise, region: 140000),
            .init(name: "山西焦煤集团有限责任公司", kind: .enterprise, region: 140000),
            .init(name: "中煤平朔集团有限公司", kind: .enterprise, region: 140600),
            .init(name: "乌海市人民政府", kind: .government, region: 150300),
            .init(name: "中共乌海市委宣传部", kind: .partyCommittee, region: 150300),
            .init(name: "乌海市生态环境局", kind: .department, region: 150300),
            .init(name: "乌海市水务局", kind: .department, region: 150300),
            .init(name: "乌海市林业和草原局", kind: .department, region: 150300),
            .init(name: "乌海市自然资源局", kind: .department, region: 150300),
            .init(name: "乌海市农牧局", kind: .department, region: 150300),
            .init(name: "乌海市住房和城乡建设局", kind: .department, region: 150300),
            .init(name: "乌海市发展和改革委员会", kind: .department, region: 150300),
            .init(name: "海勃湾区人民政府", kind: .government, region: 150302),
            .init(name: "海南区人民政府", kind: .government, region: 150303),
            .init(name: "乌达区人民政府", kind: .government, region: 150304),
            .init(name: "焦作市人民政府", kind: .government, region: 410800),
            .init(name: "焦作市生态环境局", kind: .department, region: 410800),
        ]
        u += shanxiCities.map { .init(name: "\($0.0)人民政府", kind: .government, region: $0.1) }
        u += jiaozuoCounties.map { .init(name: "\($0.0)人民政府", kind: .government, region: $0.1) }
        return u
    }()
}
