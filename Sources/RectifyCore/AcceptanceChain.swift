import Foundation

/// 逐级验收 (issue 14 §2): an inspection may have its tasks accepted in steps by level, e.g.
/// 县级初验 → 市级验收 → 省级验收销号, each by the task's acceptance unit of that level. A task
/// takes the steps whose level one of its acceptance units is at, lowest first; a task with
/// none of them (or an inspection without a chain) is accepted in one step by any of its
/// acceptance units, as before. A step not passed sends the task back to work and the chain
/// starts again.
public struct AcceptanceStep: Sendable, Codable, Equatable, Hashable {
    public let level: RegionLevel
    public let name: String

    public init(level: RegionLevel, name: String) {
        self.level = level
        self.name = name
    }
}

extension RegionLevel {
    /// The level a GB/T 2260 code names: ..0000 a province, ....00 a city, else a county.
    public static func of(_ code: Int) -> RegionLevel {
        code % 10_000 == 0 ? .province : code % 100 == 0 ? .city : .county
    }
}

public enum AcceptanceChain {
    public static let maxSteps = 3
    public static let maxNameLength = 20

    static func rank(_ level: RegionLevel) -> Int {
        switch level {
        case .county: 0
        case .city: 1
        case .province: 2
        }
    }

    /// What is wrong with a chain an office wants to set (none: it may be set). Empty is allowed: one step.
    public static func violations(_ steps: [AcceptanceStep]) -> [Violation] {
        var v: [Violation] = []
        if steps.count > maxSteps {
            v.append(.init("chain.tooManySteps", field: "steps", "验收最多分 \(maxSteps) 级(县、市、省)"))
        }
        for (i, s) in steps.enumerated() {
            let name = s.name.trimmingCharacters(in: .whitespacesAndNewlines)
            if name.isEmpty { v.append(.init("chain.nameRequired", field: "steps[\(i)].name", "请填写第 \(i + 1) 级验收的名称")) }
            if name.count > maxNameLength {
                v.append(.init("chain.nameTooLong", field: "steps[\(i)].name", "验收名称不超过 \(maxNameLength) 字"))
            }
            if i > 0, rank(s.level) <= rank(steps[i - 1].level) {
                v.append(.init("chain.order", field: "steps[\(i)].level", "验收应自下而上逐级进行,每级只出现一次(县级 → 市级 → 省级)"))
            }
        }
        return v
    }

    /// The steps a task takes: those of the chain at a level one of its acceptance units is at.
    public static func steps(_ chain: [AcceptanceStep], acceptorLevels: Set<RegionLevel>) -> [AcceptanceStep] {
        chain.filter { acceptorLevels.contains($0.level) }
    }

    public static func encode(_ steps: [AcceptanceStep]) -> String {
        (try? JSONEncoder().encode(steps)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    /// A stored chain; anything unreadable is no chain (one step).
    public static func decode(_ text: String?) -> [AcceptanceStep] {
        guard let text, let data = text.data(using: .utf8),
              let steps = try? JSONDecoder().decode([AcceptanceStep].self, from: data) else { return [] }
        return violations(steps).isEmpty ? steps : []
    }

    /// The words for a chain: 县级初验 → 市级验收 → 省级验收销号.
    public static func words(_ steps: [AcceptanceStep]) -> String {
        steps.isEmpty ? "一次验收" : steps.map(\.name).joined(separator: " → ")
    }
}
