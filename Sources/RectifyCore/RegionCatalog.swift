/// The administrative divisions Rectify ships with (GB/T 2260 codes): every
/// province-level region of China; every city of the provinces the seed reports
/// come from (辽宁, 山西, 内蒙古, 河南); and the counties and districts those
/// reports name. Offices add the rest of their own tree as they need it.
///
/// The level and parent follow from the code: ..0000 is a province, ....00 a city,
/// anything else a county whose parent is its city (or, for the districts of a
/// municipality, the province itself).
public struct RegionEntry: Sendable, Hashable {
    public let code: Int
    public let name: String

    public var level: RegionLevel {
        if code % 10_000 == 0 { return .province }
        if code % 100 == 0 { return .city }
        return .county
    }

    /// The parent code as the numbering implies it; `RegionCatalog` resolves it
    /// to a region that exists.
    var impliedParentCodes: [Int] {
        switch level {
        case .province: []
        case .city: [code / 10_000 * 10_000]
        case .county: [code / 100 * 100, code / 10_000 * 10_000]
        }
    }
}

public enum RegionCatalog {
    public static let all: [RegionEntry] = table
        .split(separator: "\n")
        .flatMap { line in line.split(separator: " ").map(String.init) }
        .map { pair in
            let parts = pair.split(separator: ":")
            return RegionEntry(code: Int(parts[0])!, name: String(parts[1]))
        }

    public static let byCode: [Int: RegionEntry] = Dictionary(uniqueKeysWithValues: all.map { ($0.code, $0) })

    /// The nearest listed ancestor of a code, nil for a province.
    public static func parentCode(of code: Int) -> Int? {
        guard let entry = byCode[code] else { return nil }
        return entry.impliedParentCodes.first { byCode[$0] != nil }
    }

    static let table = """
    110000:北京市 120000:天津市 130000:河北省 140000:山西省 150000:内蒙古自治区
    210000:辽宁省 220000:吉林省 230000:黑龙江省 310000:上海市 320000:江苏省
    330000:浙江省 340000:安徽省 350000:福建省 360000:江西省 370000:山东省
    410000:河南省 420000:湖北省 430000:湖南省 440000:广东省 450000:广西壮族自治区
    460000:海南省 500000:重庆市 510000:四川省 520000:贵州省 530000:云南省
    540000:西藏自治区 610000:陕西省 620000:甘肃省 630000:青海省 640000:宁夏回族自治区
    650000:新疆维吾尔自治区 710000:台湾省 810000:香港特别行政区 820000:澳门特别行政区
    140100:太原市 140200:大同市 140300:阳泉市 140400:长治市 140500:晋城市 140600:朔州市
    140700:晋中市 140800:运城市 140900:忻州市 141000:临汾市 141100:吕梁市
    140105:小店区 140106:迎泽区 140107:杏花岭区 140108:尖草坪区 140109:万柏林区 140110:晋源区
    140121:清徐县 140122:阳曲县 140123:娄烦县 140181:古交市
    140212:新荣区 140213:平城区 140214:云冈区 140215:云州区 140221:阳高县 140222:天镇县
    140223:广灵县 140224:灵丘县 140225:浑源县 140226:左云县
    140302:城区 140303:矿区 140311:郊区 140321:平定县 140322:盂县
    140525:泽州县 140602:朔城区 140882:河津市 140921:定襄县
    140702:榆次区 140703:太谷区 140721:榆社县 140722:左权县 140723:和顺县 140724:昔阳县
    140725:寿阳县 140727:祁县 140728:平遥县 140729:灵石县 140781:介休市
    141002:尧都区 141021:曲沃县 141022:翼城县 141023:襄汾县 141024:洪洞县 141025:古县
    141026:安泽县 141027:浮山县 141028:吉县 141029:乡宁县 141030:大宁县 141031:隰县
    141032:永和县 141033:蒲县 141034:汾西县 141081:侯马市 141082:霍州市
    141102:离石区 141121:文水县 141122:交城县 141123:兴县 141124:临县 141125:柳林县
    141126:石楼县 141127:岚县 141128:方山县 141129:中阳县 141130:交口县 141181:孝义市 141182:汾阳市
    150100:呼和浩特市 150200:包头市 150300:乌海市 150400:赤峰市 150500:通辽市 150600:鄂尔多斯市
    150700:呼伦贝尔市 150800:巴彦淖尔市 150900:乌兰察布市 152200:兴安盟 152500:锡林郭勒盟 152900:阿拉善盟
    150302:海勃湾区 150303:海南区 150304:乌达区
    210100:沈阳市 210200:大连市 210300:鞍山市 210400:抚顺市 210500:本溪市 210600:丹东市
    210700:锦州市 210800:营口市 210900:阜新市 211000:辽阳市 211100:盘锦市 211200:铁岭市
    211300:朝阳市 211400:葫芦岛市
    211102:双台子区 211103:兴隆台区 211104:大洼区 211122:盘山县 211224:昌图县
    211402:连山区 211403:龙港区 211404:南票区 211421:绥中县 211422:建昌县 211481:兴城市
    410100:郑州市 410200:开封市 410300:洛阳市 410400:平顶山市 410500:安阳市 410600:鹤壁市
    410700:新乡市 410800:焦作市 410900:濮阳市 411000:许昌市 411100:漯河市 411200:三门峡市
    411300:南阳市 411400:商丘市 411500:信阳市 411600:周口市 411700:驻马店市
    410802:解放区 410803:中站区 410804:马村区 410811:山阳区 410821:修武县 410822:博爱县
    410823:武陟县 410825:温县 410882:沁阳市 410883:孟州市
    """
}

extension RegionCatalog {
    /// The smallest region containing all the given codes, by GB/T 2260 prefixes
    /// (211402 and 211481 → 211400; 211400 and 210100 → 210000); nil across provinces.
    public static func commonAncestor(_ codes: [Int]) -> Int? {
        guard let first = codes.first else { return nil }
        if codes.allSatisfy({ $0 == first }) { return first }
        if codes.allSatisfy({ $0 / 100 == first / 100 }) { return first / 100 * 100 }
        if codes.allSatisfy({ $0 / 10_000 == first / 10_000 }) { return first / 10_000 * 10_000 }
        return nil
    }
}
