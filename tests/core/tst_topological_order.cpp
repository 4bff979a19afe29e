// topologicalOrder (core/runtime/graph.h): the order in which graph nodes can run.
#include <QtTest>

#include "core/errors.h"
#include "core/runtime/graph.h"

using namespace attnlens;

namespace {

/// A node named `name` reading the first output of each of `sources` (as "inputs").
GraphNode node(const std::string &name, const std::vector<int> &sources = {})
{
    GraphNode n;
    n.layerName = name;
    n.layer = sources.empty() ? -1 : 0;
    for (const int source : sources)
        n.tensorArgs["inputs"].push_back(ValueRef {source, 0});
    return n;
}

/// True when every node comes after all the nodes it reads.
bool runsInOrder(const std::vector<GraphNode> &nodes, const std::vector<int> &order)
{
    std::vector<int> position(nodes.size(), -1);
    for (std::size_t i = 0; i < order.size(); ++i)
        position[static_cast<std::size_t>(order[i])] = static_cast<int>(i);
    for (std::size_t n = 0; n < nodes.size(); ++n)
        for (const auto &[name, refs] : nodes[n].tensorArgs)
            for (const ValueRef &ref : refs)
                if (position[static_cast<std::size_t>(ref.node)] >= position[n])
                    return false;
    return true;
}

std::string cycleMessage(const std::vector<GraphNode> &nodes)
{
    try {
        topologicalOrder(nodes);
    } catch (const InputFileError &e) {
        return e.what();
    }
    return {};
}

} // namespace

class TestTopologicalOrder : public QObject
{
    Q_OBJECT
private slots:
    void sortedNodesKeepTheirOrder()
    {
        // input -> a -> b, input -> c, (b, c) -> d
        const std::vector<GraphNode> nodes
            = {node("input"), node("a", {0}), node("b", {1}), node("c", {0}), node("d", {2, 3})};
        QCOMPARE(topologicalOrder(nodes), (std::vector<int> {0, 1, 2, 3, 4}));
    }

    void aNodeListedBeforeItsSourceMovesAfterIt()
    {
        // A shared layer's second call (node 1) reads "late", listed after it (node 3).
        const std::vector<GraphNode> nodes
            = {node("input"), node("shared@1", {3}), node("shared", {0}), node("late", {2})};
        const std::vector<int> order = topologicalOrder(nodes);
        QCOMPARE(order, (std::vector<int> {0, 2, 3, 1}));
        QVERIFY(runsInOrder(nodes, order));
    }

    void argumentsAreVisitedInTheirOrder()
    {
        // d reads c then b, both listed after it: they come first, in parameter order.
        std::vector<GraphNode> nodes = {node("input"), node("d"), node("b", {0}), node("c", {0})};
        nodes[1].layer = 0;
        nodes[1].tensorArgs["x1"] = {ValueRef {3, 0}};
        nodes[1].tensorArgs["x2"] = {ValueRef {2, 0}};
        const std::vector<int> order = topologicalOrder(nodes);
        QCOMPARE(order, (std::vector<int> {0, 3, 2, 1}));
        QVERIFY(runsInOrder(nodes, order));
    }

    void aLongChainDoesNotExhaustTheStack()
    {
        // 200000 nodes, each reading the next one: the reverse order.
        const int count = 200000;
        std::vector<GraphNode> nodes;
        for (int i = 0; i + 1 < count; ++i)
            nodes.push_back(node("n" + std::to_string(i), {i + 1}));
        nodes.push_back(node("input"));
        const std::vector<int> order = topologicalOrder(nodes);
        QCOMPARE(order.size(), std::size_t(count));
        QCOMPARE(order.front(), count - 1);
        QCOMPARE(order.back(), 0);
    }

    void aCycleIsRefusedNamingALayerOnIt()
    {
        const std::vector<GraphNode> nodes
            = {node("input"), node("a", {0, 2}), node("b", {1}), node("c", {0})};
        const std::string message = cycleMessage(nodes);
        QVERIFY2(message.find("cycle") != std::string::npos, message.c_str());
        QVERIFY2(message.find("layer 'a'") != std::string::npos
                || message.find("layer 'b'") != std::string::npos,
            message.c_str());
        QVERIFY(cycleMessage({node("self")}).empty());
        std::vector<GraphNode> self = {node("input"), node("loop", {1})};
        QVERIFY(cycleMessage(self).find("layer 'loop'") != std::string::npos);
    }

    void anUnknownSourceIsRefused()
    {
        const std::vector<GraphNode> nodes = {node("input"), node("a", {7})};
        QVERIFY_THROWS_EXCEPTION(InputFileError, topologicalOrder(nodes));
    }
};

QTEST_APPLESS_MAIN(TestTopologicalOrder)
#include "tst_topological_order.moc"
