using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline;

/// <summary>
/// <c>PaddedBatch</c>: stacks tensors of different shapes by padding each axis to the longest element of the batch
/// (or to a fixed padded shape), with a padding value.
/// </summary>
static class PaddedBatching
{
    internal static Tensor Pad(IReadOnlyList<Tensor> items, long[]? paddedShape, double paddingValue, string stage, string? component)
    {
        var rank = items[0].dim();
        var target = new long[rank];
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].dim() != rank)
                throw new InvalidOperationException($"{stage}: cannot pad {(component is null ? "elements" : $"component '{component}'")} of different ranks: element 0 has shape [{string.Join(", ", items[0].shape)}] but element {i} has shape [{string.Join(", ", items[i].shape)}].");
            for (var d = 0; d < rank; d++) target[d] = Math.Max(target[d], items[i].shape[d]);
        }
        if (paddedShape is not null)
        {
            if (paddedShape.Length != rank)
                throw new InvalidOperationException($"{stage}: paddedShapes{(component is null ? "" : $" for component '{component}'")} has rank {paddedShape.Length} but the elements have rank {rank}.");
            for (var d = 0; d < rank; d++)
            {
                if (paddedShape[d] < 0) continue;
                if (paddedShape[d] < target[d])
                    throw new InvalidOperationException($"{stage}: an element of {(component is null ? "the batch" : $"component '{component}'")} has {target[d]} along axis {d}, more than the padded shape [{string.Join(", ", paddedShape)}] allows.");
                target[d] = paddedShape[d];
            }
        }
        // Held for the whole native call: a temporary Scalar may be finalized while libtorch reads it (TorchSharp 0.107).
        using var fill = paddingValue.ToScalar();
        var result = torch.full([items.Count, .. target], fill, dtype: items[0].dtype);
        for (var i = 0; i < items.Count; i++)
        {
            using var row = result.select(0, i);
            var view = row;
            var views = new List<Tensor>();
            for (var d = 0; d < rank; d++)
            {
                view = view.narrow(d, 0, items[i].shape[d]);
                views.Add(view);
            }
            view.copy_(items[i]);
            foreach (var v in views) v.Dispose();
        }
        return result;
    }
}
