namespace Pipeline.Models.Saving;

/// <summary>
/// One object whose variables a Keras 3 weights file keeps under <c>&lt;Path&gt;/vars</c>: a layer (its own weights,
/// not its nested layers'), the model itself, or the optimizer.
/// </summary>
/// <param name="Path">The inner path, e.g. "layers/dense_1"; "" for the model.</param>
/// <param name="Name">The object's name, written as the vars group's <c>name</c> attribute.</param>
/// <param name="Description">How messages name it, e.g. <c>layer "dense_1" (Dense)</c>.</param>
/// <param name="WeightNames">Its variables' names, e.g. "kernel", "bias".</param>
/// <param name="Shapes">Its variables' shapes in Keras's layout.</param>
/// <param name="Read">Queues the current values (Keras's layout) on the given host copies, in order.</param>
/// <param name="Write">Sets the values (already checked against <paramref name="Shapes"/> and for completeness).</param>
internal sealed record Saveable(
    string Path,
    string Name,
    string Description,
    IReadOnlyList<string> WeightNames,
    IReadOnlyList<long[]> Shapes,
    Func<HostCopies, IReadOnlyList<HostValue>> Read,
    Action<IReadOnlyList<StoredTensor>> Write);
