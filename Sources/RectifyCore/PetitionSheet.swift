import Foundation

/// A batch's list as the inspection team hands it over, in Excel or CSV (issue 13 §2):
/// the columns found by their headings, whatever their order, with the names teams use.
public enum PetitionSheet {
    public enum Field: String, CaseIterable, Sendable {
        case caseNumber, complaint, place, region, kinds, key, units, name, phone, idNumber, address, dueDate

        public var headings: [String] {
            switch self {
            case .caseNumber: ["受理编号", "编号", "交办编号", "举报件编号", "信访编号"]
            case .complaint: ["交办问题基本情况", "举报内容", "反映问题", "问题描述", "信访举报内容", "主要内容"]
            case .place: ["被举报对象", "举报对象", "被举报单位", "被举报单位或地点", "地点"]
            case .region: ["行政区域", "所属区域", "所在地区", "区县", "地区"]
            case .kinds: ["污染类型", "污染类别", "举报类型"]
            case .key: ["是否重点", "重点案件", "重点"]
            case .units: ["办理单位", "责任单位", "承办单位", "转办单位"]
            case .name: ["举报人", "举报人姓名", "信访人"]
            case .phone: ["联系电话", "电话", "举报人电话"]
            case .idNumber: ["身份证号", "身份证号码"]
            case .address: ["联系地址", "住址", "举报人地址"]
            case .dueDate: ["办理期限", "办结时限", "办结期限"]
            }
        }

        static func matching(_ heading: String) -> Field? {
            let h = heading.filter { !$0.isWhitespace }
            return allCases.first { $0.headings.contains(h) }
        }
    }

    public struct Row: Sendable, Equatable {
        public let line: Int
        public var caseNumber = ""
        public var complaint = ""
        public var place = ""
        public var region = ""
        public var kinds: [PollutionKind] = []
        public var key = false
        public var units: [String] = []
        public var name = ""
        public var phone = ""
        public var idNumber = ""
        public var address = ""
        public var dueDate: LocalDate?
        /// What is wrong with the row as written (unknown units or regions are found later).
        public var violations: [Violation] = []
    }

    /// The rows under the heading row (the first row naming 受理编号 and the complaint);
    /// blank rows are skipped. Throws when no such heading row is found.
    public static func rows(_ cells: [[String]], lines: [Int]) throws -> (headerLine: Int, rows: [Row]) {
        guard let h = cells.firstIndex(where: { row in
            let fields = Set(row.compactMap(Field.matching))
            return fields.contains(.caseNumber) && fields.contains(.complaint)
        }) else {
            throw ValidationFailure([.init("petitionSheet.noHeader", field: "file",
                                           "没有找到表头:表中应有“受理编号”和“交办问题基本情况”(或“举报内容”)两列")])
        }
        var columns: [Field: Int] = [:]
        for (i, heading) in cells[h].enumerated() {
            if let f = Field.matching(heading), columns[f] == nil { columns[f] = i }
        }
        var out: [Row] = []
        for index in (h + 1)..<cells.count {
            let cells = cells[index]
            guard cells.contains(where: { !$0.allSatisfy(\.isWhitespace) }) else { continue }
            func cell(_ f: Field) -> String {
                guard let i = columns[f], i < cells.count else { return "" }
                return cells[i].trimmingCharacters(in: .whitespacesAndNewlines)
            }
            var row = Row(line: index < lines.count ? lines[index] : index + 1)
            row.caseNumber = cell(.caseNumber)
            row.complaint = cell(.complaint)
            row.place = cell(.place)
            row.region = cell(.region)
            row.name = cell(.name)
            row.phone = cell(.phone)
            row.idNumber = cell(.idNumber)
            row.address = cell(.address)
            row.units = LedgerSheet.unitNames(cell(.units))
            row.key = ["是", "重点", "√", "✓", "Y", "y", "yes", "1"].contains(cell(.key))
            let (kinds, unknown) = pollutionKinds(cell(.kinds))
            row.kinds = kinds.isEmpty ? [.other] : kinds
            if row.caseNumber.isEmpty { row.violations.append(.init("petitionSheet.numberRequired", field: "caseNumber", "缺少受理编号")) }
            if row.caseNumber.count > 50 { row.violations.append(.init("petitionSheet.numberTooLong", field: "caseNumber", "受理编号超过 50 字")) }
            if row.complaint.isEmpty { row.violations.append(.init("petitionSheet.complaintRequired", field: "complaint", "缺少交办问题基本情况")) }
            if row.place.isEmpty { row.place = String(row.complaint.prefix(50)) }
            if row.units.isEmpty { row.violations.append(.init("petitionSheet.unitsRequired", field: "units", "缺少办理单位")) }
            if !unknown.isEmpty {
                row.violations.append(.init("petitionSheet.kindUnknown", field: "kinds", "无法识别的污染类型:\(unknown.joined(separator: "、"))"))
            }
            let due = cell(.dueDate)
            if !due.isEmpty {
                if let d = LocalDate(iso: due) ?? DeadlinePhrase.read(due)?.deadline { row.dueDate = d } else {
                    row.violations.append(.init("petitionSheet.dueDateInvalid", field: "dueDate", "办理期限“\(due)”无法识别"))
                }
            }
            out.append(row)
        }
        return (h < lines.count ? lines[h] : h + 1, out)
    }

    /// 大气、水 / 废气;噪音 … as kinds; what is not recognised is returned apart.
    public static func pollutionKinds(_ text: String) -> ([PollutionKind], [String]) {
        let words: [(String, PollutionKind)] = [
            ("大气", .air), ("废气", .air), ("空气", .air), ("扬尘", .air), ("油烟", .air), ("异味", .air),
            ("水", .water), ("废水", .water), ("污水", .water),
            ("土壤", .soil), ("噪声", .noise), ("噪音", .noise), ("生态破坏", .ecology), ("生态", .ecology),
            ("固体废物", .solidWaste), ("固废", .solidWaste), ("垃圾", .solidWaste), ("危险废物", .solidWaste), ("危废", .solidWaste),
            ("辐射", .radiation), ("其他", .other), ("其它", .other),
        ]
        var kinds: [PollutionKind] = []
        var unknown: [String] = []
        for part in text.split(whereSeparator: { "、,，/;;　 ".contains($0) }) {
            let p = String(part).replacingOccurrences(of: "污染", with: "")
            guard !p.isEmpty else { continue }
            if let k = words.first(where: { $0.0 == p })?.1 {
                if !kinds.contains(k) { kinds.append(k) }
            } else {
                unknown.append(String(part))
            }
        }
        return (kinds, unknown)
    }
}
