using static TorchSharp.torch;

namespace Pipeline.Models.Saving;

/// <summary>One per-weight state tensor of the optimizer, in storage layout (Adam's momentum of a kernel, ...).</summary>
/// <param name="Variable">The weight it belongs to.</param>
/// <param name="Name">Keras 3's name of the slot ("momentum", "velocity", "accumulator", ...).</param>
/// <param name="Slot">The state tensor (owned by the optimizer).</param>
internal sealed record OptimizerSlot(Variable Variable, string Name, Tensor Slot);
