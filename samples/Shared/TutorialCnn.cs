using Pipeline.Models;
using Pipeline.Models.Layers;

/// <summary>
/// The tutorial's CIFAR-10 network (Conv32-Pool-Conv64-Pool-Dense256-Dense10), shared by the samples that train it
/// (FiveWaysCnn, DataAugmentation; linked into each project), optionally with augmentation layers in front.
/// </summary>
internal static class TutorialCnn
{
    public static Sequential Build(IEnumerable<Layer>? augmentation = null) => new(
    [
        new Input([32, 32, 3]),
        .. augmentation ?? [],
        new Conv2D(32, 3, padding: "same", activation: "relu"),
        new MaxPooling2D(2),
        new Conv2D(64, 3, padding: "same", activation: "relu"),
        new MaxPooling2D(2),
        new Flatten(),
        new Dense(256, activation: "relu"),
        new Dense(10, activation: "softmax"),
    ]);
}
