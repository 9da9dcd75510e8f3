namespace Pipeline.Models.Saving;

/// <summary>
/// The variables one saveable object (a layer, a nested layer, the optimizer, the model itself) keeps in a Keras 3
/// weights file: the group <c>&lt;Path&gt;/vars</c> with datasets <c>0</c>, <c>1</c>, ... and a <c>name</c> attribute.
/// </summary>
/// <param name="Path">The inner path, e.g. "layers/dense", "layers/multi_head_attention/query_dense", "optimizer"; "" for the model.</param>
/// <param name="Name">The object's name (Keras 3.x writes it as the <c>name</c> attribute of the vars group), or null.</param>
/// <param name="Values">The variables, in the object's own order and Keras's layout, their bytes read when loaded; owned by the entry.</param>
internal sealed record WeightsEntry(string Path, string? Name, IReadOnlyList<StoredTensor> Values) : IDisposable
{
    /// <summary>Frees the tensors read (native memory) now.</summary>
    public void Dispose()
    {
        foreach (var v in Values) v.Dispose();
    }
}
