// traceAxisOrigin (core/keras/keras_axis_origin.h): which layers keep the positions of a
// sequence, so that every attention call of a model gets the same kind of axis labels.
#include <QtTest>

#include "core/keras/keras_axis_origin.h"
#include "core/runtime/graph.h"

using namespace attnlens;

namespace {

/// A layer that only declares its call signature and position rule (never called here).
class RuleLayer : public Layer
{
public:
    RuleLayer(std::string name, std::vector<std::string> signature, PositionRule rule)
        : Layer(std::move(name))
        , m_signature(std::move(signature))
        , m_rule(std::move(rule))
    {
    }
    std::vector<std::string> callSignature() const override { return m_signature; }
    CallResult call(const CallArgs &, const CallContext &) const override { return {}; }
    PositionRule positions() const override { return m_rule; }

private:
    std::vector<std::string> m_signature;
    PositionRule m_rule;
};

GraphNode input()
{
    GraphNode n;
    n.layerName = "series";
    n.inputIndex = 0;
    return n;
}

GraphNode call(int layer, std::map<std::string, std::vector<ValueRef>> args)
{
    GraphNode n;
    n.layerName = "layer" + std::to_string(layer);
    n.layer = layer;
    n.tensorArgs = std::move(args);
    return n;
}

/// series (N, 48, 3) -> mixer (moves positions) -> x1; `x1 + series` as an element-wise
/// operation with parameters x1, x2; then a position-wise layer (Dense).
AxisOrigin traceResidual(bool residualAsSecondOperand)
{
    std::vector<std::unique_ptr<Layer>> layers;
    layers.push_back(std::make_unique<RuleLayer>(
        "mixer", std::vector<std::string> {"inputs"}, PositionRule::none()));
    layers.push_back(std::make_unique<RuleLayer>(
        "add", std::vector<std::string> {"x1", "x2"}, PositionRule::elementwise()));
    layers.push_back(std::make_unique<RuleLayer>(
        "dense", std::vector<std::string> {"inputs"}, PositionRule::positionwise()));
    std::vector<GraphNode> nodes;
    nodes.push_back(input());
    nodes.push_back(call(0, {{"inputs", {ValueRef {0, 0}}}}));
    const ValueRef mixed {1, 0};
    const ValueRef series {0, 0};
    nodes.push_back(call(1,
        {{"x1", {residualAsSecondOperand ? mixed : series}},
            {"x2", {residualAsSecondOperand ? series : mixed}}}));
    nodes.push_back(call(2, {{"inputs", {ValueRef {2, 0}}}}));
    const Graph graph(std::move(layers), std::move(nodes), {0}, {ValueRef {3, 0}});
    return traceAxisOrigin(graph, ValueRef {3, 0}, {{-1, 48, 3}});
}

} // namespace

class TestAxisOrigin : public QObject
{
    Q_OBJECT

private slots:
    /// Keras 3 writes `x + res` as an operation with x1 and x2; the residual (the operand that
    /// keeps the positions) is as often the second operand as the first.
    void elementwiseOperationKeepsThePositionsOfEitherOperand()
    {
        const AxisOrigin first = traceResidual(false);
        QCOMPARE(first.kind, AxisOrigin::Kind::TimeSteps);
        QCOMPARE(first.inputIndex, 0);
        const AxisOrigin second = traceResidual(true);
        QCOMPARE(second.kind, AxisOrigin::Kind::TimeSteps);
        QCOMPARE(second.inputIndex, 0);
    }

    /// Attention([query, value]) keeps the query's positions only: followsIndex 0 of the list
    /// argument, never the value's, even when the query's are unknown.
    void listLayerFollowsTheTensorItNames()
    {
        for (const bool queryIsSeries : {true, false}) {
            std::vector<std::unique_ptr<Layer>> layers;
            layers.push_back(std::make_unique<RuleLayer>(
                "mixer", std::vector<std::string> {"inputs"}, PositionRule::none()));
            layers.push_back(std::make_unique<RuleLayer>("attention",
                std::vector<std::string> {"inputs", "mask"},
                PositionRule::positionwise("inputs", 0)));
            const ValueRef series {0, 0};
            const ValueRef mixed {1, 0};
            std::vector<GraphNode> nodes {input(), call(0, {{"inputs", {series}}}),
                call(1,
                    {{"inputs",
                        {queryIsSeries ? series : mixed, queryIsSeries ? mixed : series}}})};
            const Graph graph(std::move(layers), std::move(nodes), {0}, {ValueRef {2, 0}});
            const AxisOrigin origin = traceAxisOrigin(graph, ValueRef {2, 0}, {{-1, 48, 3}});
            QCOMPARE(origin.kind,
                queryIsSeries ? AxisOrigin::Kind::TimeSteps : AxisOrigin::Kind::Unknown);
        }
    }

    void layerThatMovesPositionsEndsTheTrace()
    {
        std::vector<std::unique_ptr<Layer>> layers;
        layers.push_back(std::make_unique<RuleLayer>(
            "mixer", std::vector<std::string> {"inputs"}, PositionRule::none()));
        std::vector<GraphNode> nodes {input(), call(0, {{"inputs", {ValueRef {0, 0}}}})};
        const Graph graph(std::move(layers), std::move(nodes), {0}, {ValueRef {1, 0}});
        const AxisOrigin origin = traceAxisOrigin(graph, ValueRef {1, 0}, {{-1, 48, 3}});
        QCOMPARE(origin.kind, AxisOrigin::Kind::Unknown);
    }
};

QTEST_APPLESS_MAIN(TestAxisOrigin)
#include "tst_axis_origin.moc"
