namespace Pipeline.Models.Saving;

/// <summary>
/// What one saveable object writes to a Keras 3 weights file (the writing side of <see cref="WeightsEntry"/>): the
/// group <c>&lt;Path&gt;/vars</c> with datasets <c>0</c>, <c>1</c>, ... and a <c>name</c> attribute.
/// </summary>
/// <param name="Path">The inner path, e.g. "layers/dense"; "" for the model.</param>
/// <param name="Name">The object's name, or null.</param>
/// <param name="Values">The variables in the object's own order and Keras's layout, made by <see cref="HostCopies"/>.</param>
internal sealed record SavedEntry(string Path, string? Name, IReadOnlyList<HostValue> Values);
