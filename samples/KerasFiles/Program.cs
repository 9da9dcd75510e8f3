// Any Keras model file from the command line: a Keras 3 .keras zip or a Keras 2 full-model .h5.
//
//   dotnet run -c Release --project samples/KerasFiles -- summary FILE
//   dotnet run -c Release --project samples/KerasFiles -- predict FILE IMAGE... [--image-size N] [--scale F] [--top K] [--interpolation nearest|bilinear]
//   dotnet run -c Release --project samples/KerasFiles -- evaluate FILE --data DIR [--image-size N] [--scale F] [--batch-size N] [--interpolation nearest|bilinear]
//
// Images are decoded, resized to the model's input size (or --image-size N) with --interpolation (default "nearest",
// as Keras's load_img and flow_from_directory; image_dataset_from_directory's default is "bilinear"), and their
// 0..255 pixels multiplied by --scale (default 1/255). evaluate reads a class-per-folder tree (folder names in
// alphabetical order are the class indices, as Keras's image_dataset_from_directory) and prints the accuracy of the
// predicted classes. Bad input ends in one line naming the argument or file and a non-zero exit code
// (KerasFilesCommand; tests/Samples.Tests runs it in-process).
return KerasFilesCommand.Run(args, Console.Out, Console.Error);
