using System.Globalization;

namespace Pipeline.Models.Callbacks;

/// <summary>
/// How often <see cref="TensorBoard"/> writes training scalars (Keras's <c>update_freq</c>): <c>"epoch"</c>,
/// <c>"batch"</c> (every batch) or an integer N (every N batches). Converts implicitly from those values.
/// </summary>
public readonly record struct UpdateFreq
{
    UpdateFreq(int batches) => Batches = batches;

    /// <summary>Batches between batch-level writes, or 0 for epoch-level only.</summary>
    public int Batches { get; }

    /// <summary>Only epoch-level scalars (the default).</summary>
    public static UpdateFreq Epoch => default;

    /// <summary>Batch-level scalars every <paramref name="batches"/> batches, plus the epoch-level ones.</summary>
    /// <param name="batches">Positive batch count.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batches"/> is not positive.</exception>
    public static UpdateFreq EveryBatches(int batches)
    {
        if (batches <= 0) throw new ArgumentOutOfRangeException("updateFreq", batches, "updateFreq must be \"epoch\", \"batch\" or a positive number of batches.");
        return new UpdateFreq(batches);
    }

    /// <summary>Parses <c>"epoch"</c> or <c>"batch"</c>.</summary>
    /// <param name="value">"epoch" or "batch".</param>
    /// <exception cref="ArgumentException">Any other string.</exception>
    public static implicit operator UpdateFreq(string value) => value switch
    {
        "epoch" => Epoch,
        "batch" => EveryBatches(1),
        _ => throw new ArgumentException($"updateFreq '{value}' is unknown; expected \"epoch\", \"batch\" or a positive number of batches.", "updateFreq"),
    };

    /// <summary>Every <paramref name="batches"/> batches.</summary>
    /// <param name="batches">Positive batch count.</param>
    public static implicit operator UpdateFreq(int batches) => EveryBatches(batches);

    /// <summary>"epoch", "batch", or the batch count.</summary>
    /// <returns>The Keras spelling.</returns>
    public override string ToString() => Batches switch
    {
        0 => "epoch",
        1 => "batch",
        var n => n.ToString(CultureInfo.InvariantCulture),
    };
}
