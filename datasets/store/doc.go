// Package store reads and writes windpm's inputs and outputs where they
// live: a local folder or a bucket in object storage, through
// gocloud.dev/blob. A location is a plain path, a file:// URL (gocloud's
// fileblob), or s3://bucket/prefix, gs://bucket/prefix,
// azblob://container/prefix with the query parameters of each gocloud
// driver; credentials come from each cloud's standard environment
// (docs/storage.md lists the variables).
//
// A Store is one location. Objects in it are named by keys, '/'-separated
// paths relative to the location. It offers what a fleet scan needs:
//
//   - List: a streaming listing of the keys under a prefix, in byte order,
//     with size, modification time and an ETag or MD5 where the backend
//     has one; memory does not grow with the number of objects (a bucket
//     is listed a page of 1,000 at a time, a folder one folder at a time).
//     Names starting with '.' (hidden files and folders, and the temporary
//     files of writes in progress) are skipped, as in a fleet folder.
//   - Open (a stream), OpenReaderAt (random access through ranged reads)
//     and OpenRange (one range).
//   - Create: an atomic write. The object becomes visible only when Commit
//     succeeds; Abort, an error or a dead process leaves the old object or
//     none. A local path is written as reports/atomicfile writes (a
//     temporary file in the same folder, synced and renamed); a bucket
//     through a blob.Writer whose context is cancelled on Abort.
//
// Errors are one line naming the location or object URL and the problem
// (no such bucket, access denied, not found); they match fs.ErrNotExist
// and fs.ErrPermission with errors.Is.
//
// The package knows nothing about captures or tables: datasets reads
// captures from what it opens and reports writes tables to what it
// creates. It must not parse or compute anything.
package store
