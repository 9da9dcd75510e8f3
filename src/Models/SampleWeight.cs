using System.Collections;
using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace Pipeline.Models;

/// <summary>
/// Keras's <c>sample_weight</c> for a model with several outputs: the weight of each sample in each output's loss. As in
/// Keras it is one tensor of shape (samples) applied to every output (<c>sampleWeight: w</c>), one tensor per output in
/// <see cref="Model.Outputs"/> order (<c>sampleWeight: [wSum, wLarger]</c>), or a dictionary keyed by output layer name
/// (<c>sampleWeight: new Dictionary&lt;string, Tensor&gt; { ["larger"] = w }</c>; outputs not named are unweighted).
/// </summary>
[CollectionBuilder(typeof(SampleWeight), nameof(Create))]
public sealed class SampleWeight : IEnumerable<Tensor>
{
    readonly Tensor? _everyOutput;
    readonly Tensor[]? _perOutput;
    readonly IReadOnlyDictionary<string, Tensor>? _byName;

    SampleWeight(Tensor? everyOutput, Tensor[]? perOutput, IReadOnlyDictionary<string, Tensor>? byName) =>
        (_everyOutput, _perOutput, _byName) = (everyOutput, perOutput, byName);

    /// <summary>One tensor of weights, shape (samples), applied to every output's loss.</summary>
    /// <param name="weights">One weight per sample.</param>
    public static SampleWeight ForEveryOutput(Tensor weights) => new(weights ?? throw new ArgumentNullException(nameof(weights)), null, null);

    /// <summary>One tensor of weights per output, in <see cref="Model.Outputs"/> order.</summary>
    /// <param name="weights">Per output, one weight per sample.</param>
    public static SampleWeight PerOutput(IReadOnlyList<Tensor> weights) => new(null, [.. weights ?? throw new ArgumentNullException(nameof(weights))], null);

    /// <summary>Weights keyed by output layer name; outputs not named are unweighted.</summary>
    /// <param name="weights">Per output name, one weight per sample.</param>
    public static SampleWeight ByName(IReadOnlyDictionary<string, Tensor> weights) => new(null, null, weights ?? throw new ArgumentNullException(nameof(weights)));

    /// <summary>The collection-expression form, <c>[wSum, wLarger]</c>: one tensor per output, in order.</summary>
    /// <param name="weights">Per output, one weight per sample.</param>
    public static SampleWeight Create(ReadOnlySpan<Tensor> weights) => new(null, weights.ToArray(), null);

    /// <summary>One tensor for every output.</summary>
    /// <param name="weights">One weight per sample.</param>
    public static implicit operator SampleWeight(Tensor weights) => ForEveryOutput(weights);

    /// <summary>One tensor per output, in order.</summary>
    /// <param name="weights">Per output, one weight per sample.</param>
    public static implicit operator SampleWeight(Tensor[] weights) => PerOutput(weights);

    /// <summary>One tensor per output, in order.</summary>
    /// <param name="weights">Per output, one weight per sample.</param>
    public static implicit operator SampleWeight(List<Tensor> weights) => PerOutput(weights);

    /// <summary>Weights keyed by output name.</summary>
    /// <param name="weights">Per output name, one weight per sample.</param>
    public static implicit operator SampleWeight(Dictionary<string, Tensor> weights) => ByName(weights);

    /// <summary>The tensors given.</summary>
    public IEnumerator<Tensor> GetEnumerator() =>
        ((IEnumerable<Tensor>?)_perOutput ?? (IEnumerable<Tensor>?)_byName?.Values ?? [_everyOutput!]).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// The weights of each output, in <paramref name="outputs"/> order (null where unweighted), each checked to hold one
    /// weight per sample. One tensor for every output stays one tensor (gathered once per batch).
    /// </summary>
    internal Tensor?[] PerOutput(string[] outputs, long samples, string model)
    {
        var weights = new Tensor?[outputs.Length];
        if (_everyOutput is not null) Array.Fill(weights, _everyOutput);
        else if (_perOutput is not null)
        {
            if (_perOutput.Length != outputs.Length)
                throw new ArgumentException(
                    $"sampleWeight: model \"{model}\" has {outputs.Length} output(s) ({Naming.QuotedList(outputs)}) but sampleWeight holds {_perOutput.Length} tensor(s); " +
                    "pass one per output in order, a dictionary keyed by output name, or a single tensor for every output.", "sampleWeight");
            _perOutput.CopyTo(weights, 0);
        }
        else
        {
            var unknown = _byName!.Keys.Where(k => !outputs.Contains(k)).ToArray();
            if (unknown.Length > 0)
                throw new ArgumentException($"sampleWeight: unknown output name(s) {Naming.QuotedList(unknown)}; the model's outputs are {Naming.QuotedList(outputs)}.", "sampleWeight");
            for (int i = 0; i < outputs.Length; i++) weights[i] = _byName.TryGetValue(outputs[i], out var w) ? w : null;
        }
        for (int i = 0; i < outputs.Length; i++)
        {
            var w = weights[i];
            if (w is not null && (w.dim() != 1 || w.shape[0] != samples))
                throw new ArgumentException(
                    $"sampleWeight for output \"{outputs[i]}\" must hold one weight per sample, shape ({samples}); got shape ({string.Join(", ", w.shape)}).",
                    "sampleWeight");
        }
        return weights;
    }

}
