using Pipeline.Models.Optimizers;
using Pipeline.Models.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models;

// Subclassed models with several outputs: CallNamed, the names Compile's dictionaries and the logs use for their outputs
// and inputs, building from the first data, and a per-output Compile given before the model knows its outputs.
public partial class Model
{
    string[]? _outputKeys;
    Action? _deferredCompile;

    /// <summary>
    /// The computation of a subclassed model whose outputs have names (Keras's <c>call</c> returning a dictionary,
    /// <c>return {"digit": a, "parity": b}</c>). Override it instead of <see cref="CallMany"/>: the keys name the outputs in
    /// <c>Compile</c>'s and <c>Fit</c>'s dictionaries and in the logs ("digit_loss"), and the outputs come in the keys'
    /// ordinal order (as Keras flattens a dictionary), which is the order of lists such as <c>Predict</c>'s arrays.
    /// Return the same keys on every call.
    /// </summary>
    /// <param name="inputs">One batch per model input.</param>
    /// <param name="training">True for training behaviour.</param>
    /// <returns>Each output batch, by name.</returns>
    public virtual IReadOnlyDictionary<string, Tensor> CallNamed(IReadOnlyList<Tensor> inputs, bool training = false) =>
        throw new NotImplementedException($"Model \"{Name}\" ({GetType().Name}) does not override CallNamed(IReadOnlyList<Tensor>, bool).");

    /// <summary>Whether a subclass overrides <see cref="CallNamed"/>.</summary>
    bool NamesOutputs => OverriddenBelowBases(nameof(CallNamed), typeof(IReadOnlyList<Tensor>));

    private protected override bool ReturnsSeveralOutputs => NamesOutputs || base.ReturnsSeveralOutputs;

    /// <summary><see cref="CallNamed"/>'s outputs in their keys' ordinal order; the keys become the output names.</summary>
    IReadOnlyList<Tensor> NamedOutputs(IReadOnlyDictionary<string, Tensor> outputs)
    {
        if (outputs is null || outputs.Count == 0)
            throw new InvalidOperationException($"Model \"{Name}\" ({GetType().Name}) returned no outputs from CallNamed; it must return at least one tensor.");
        var keys = outputs.Keys.Order(StringComparer.Ordinal).ToArray();
        if (_outputKeys is null) _outputKeys = keys;
        else if (!keys.SequenceEqual(_outputKeys, StringComparer.Ordinal))
            throw new InvalidOperationException(
                $"Model \"{Name}\" returned the outputs {Naming.QuotedList(keys)} from CallNamed, but it was built with the outputs {Naming.QuotedList(_outputKeys)}; return the same keys on every call.");
        return [.. keys.Select(k => outputs[k] ?? throw new InvalidOperationException($"Model \"{Name}\" returned null for its output \"{k}\" from CallNamed."))];
    }

    /// <summary>
    /// The output names of a built subclassed model: <see cref="CallNamed"/>'s keys, else Keras's names for a list,
    /// "output_1", "output_2", ... (tf.keras's <c>create_pseudo_output_names</c>; Keras 3 gives list outputs no name).
    /// </summary>
    string[]? SubclassedOutputNames => OutputShapes is { } shapes ? _outputKeys ?? PseudoNames("output", shapes.Count) : null;

    /// <summary>The input names of a built subclassed model: "input_1", "input_2", ... (tf.keras's <c>create_pseudo_input_names</c>).</summary>
    string[]? SubclassedInputNames => InputShapes is { } shapes ? PseudoNames("input", shapes.Count) : null;

    /// <summary>The output names Compile's dictionaries and the logs use, or null while a subclassed model is not built.</summary>
    string[]? ResolvedOutputNames => _graph is not null ? UniqueOutputNames(_graph.Outputs.Select(o => o.Layer.Name)) : SubclassedOutputNames;

    /// <summary>The output names, or none while a subclassed model is not built (for saving).</summary>
    internal string[] KnownOutputNames => ResolvedOutputNames ?? [];

    static string[] PseudoNames(string prefix, int count) => [.. Enumerable.Range(1, count).Select(i => $"{prefix}_{i}")];

    /// <summary>
    /// The names of a functional model's outputs: the layers producing them, made unique as tf.keras does when one
    /// layer (a nested model with several outputs) produces several: "heads", "heads_1", ...
    /// </summary>
    static string[] UniqueOutputNames(IEnumerable<string> layerNames)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var name in layerNames)
        {
            var proposal = name;
            while (used.Contains(proposal))
            {
                int count = counts.GetValueOrDefault(name, 1);
                proposal = $"{name}_{count}";
                counts[name] = count + 1;
            }
            used.Add(proposal);
            result.Add(proposal);
        }
        return [.. result];
    }

    InvalidOperationException NotBuiltForOutputs(string operation) => new(
        $"{operation}: model \"{Name}\" has not been built yet, so its inputs and outputs are not known. Build the model first by calling " +
        "Build(inputShape), by calling it on a batch (ApplyMany), or by passing its inputs as a list of tensors to Fit, Evaluate or Predict.");

    /// <summary>Builds a subclassed (or input-less Sequential) model from the shapes of its first data, as Keras builds on the first call.</summary>
    void BuildFrom(IReadOnlyList<Tensor>? x)
    {
        if (Built || x is null || x.Count == 0 || x.Any(t => t is null || t.dim() < 1)) return;
        Build([.. x.Select(t => t.shape.Skip(1).Select(d => (int)d).ToArray())]);
    }

    /// <summary>
    /// The single-tensor Fit/Evaluate/Predict are for models with one output: a model with several (found once it is
    /// built from <paramref name="x"/>) gets an error naming it and both counts, pointing at the list overloads.
    /// </summary>
    void RequireOneOutput(Tensor x, string operation)
    {
        if (x.dim() >= 2) BuildFrom([x]);
        if (OutputShapes is not { Count: > 1 } shapes) return;
        var names = OutputNames(operation);
        if (operation == nameof(Predict))
            throw new ArgumentException(
                $"Predict: model \"{Name}\" has {shapes.Count} outputs ({Naming.QuotedList(names)}); Predict(Tensor) returns one array. " +
                "Pass the inputs as a list, Predict([x]), to get one array per output.", nameof(x));
        throw new ArgumentException(
            $"{operation}: model \"{Name}\" has {shapes.Count} outputs ({Naming.QuotedList(names)}) but received 1 label tensor. " +
            $"Pass one label tensor per output: {operation}([x], [{string.Join(", ", names.Select((_, i) => $"y{i + 1}"))}]), or a dictionary keyed by output name.", "y");
    }

    /// <summary>
    /// A per-output Compile on a model that does not know its outputs yet (a subclassed model before its first call):
    /// Keras resolves the losses on the first batch; here they are checked and set once the model is built.
    /// </summary>
    /// <returns>True when the Compile was recorded for later.</returns>
    bool DeferCompile(Optimizer optimizer, IEnumerable<string> metricNames, Action compile)
    {
        if (Built || _graph is not null) return false;
        foreach (var m in metricNames) Metric.Validate(m);
        Compile(optimizer, Pipeline.Models.Losses.Loss.Get("mse"));   // the optimizer and a cleared configuration; the losses come later
        _loss = null;
        _deferredCompile = compile;
        return true;
    }

    /// <summary>Runs a Compile recorded by <see cref="DeferCompile"/> now that the outputs are known.</summary>
    void CompileDeferred()
    {
        if (!Built || _deferredCompile is not { } compile) return;
        _deferredCompile = null;
        compile();
    }
}
