/// 专考委细化权重: a committee's choice of indicator maxima within a committee-weighted scheme
/// (`municipal-2019`: 履行职责 50–70, 创新创优 15–25, 综合测评 15–25, totalling 100).
public struct SchemeWeighting: Sendable, Hashable, Codable {
    /// The maximum of every quantitative indicator, by id.
    public var indicatorMax: [String: Score]

    /// Creates a weighting.
    public init(indicatorMax: [String: Score]) {
        self.indicatorMax = indicatorMax
    }
}

extension IndicatorScheme {
    /// The scheme as weighted by a committee: every indicator gets the maximum the committee chose,
    /// each group's weight becomes the sum of its indicators, and the result must pass
    /// ``validated()`` (each group within its range, the total 100).
    public func weighted(_ weighting: SchemeWeighting) throws(SchemeError) -> IndicatorScheme {
        guard committeeWeighted else {
            throw SchemeError(
                scheme: id,
                issues: [
                    .init(
                        field: "weighting",
                        rule: "fixed-weights",
                        message: "体系“\(id)”的分值固定,专考委不能调整 / this scheme's weights are fixed"
                    )
                ]
            )
        }
        var issues: [SchemeError.Issue] = []
        for key in weighting.indicatorMax.keys.sorted() where indicator(key) == nil {
            issues.append(
                .init(
                    field: "weighting.\(key)",
                    rule: "known-indicator",
                    message: "指标“\(key)”不在体系“\(id)”中 / not an indicator of this scheme"
                )
            )
        }
        for indicator in indicators where weighting.indicatorMax[indicator.id] == nil {
            issues.append(
                .init(
                    field: "weighting.\(indicator.id)",
                    rule: "required",
                    message: "缺少指标“\(indicator.id)”(\(indicator.name))的分值 / missing"
                )
            )
        }
        guard issues.isEmpty else { throw SchemeError(scheme: id, issues: issues) }
        var copy = self
        for index in copy.indicators.indices {
            copy.indicators[index].max = weighting.indicatorMax[copy.indicators[index].id]!
        }
        for index in copy.groups.indices {
            copy.groups[index].max = copy.indicators.filter { $0.group == copy.groups[index].id }.map(\.max).sum()
        }
        return try copy.validated()
    }
}
