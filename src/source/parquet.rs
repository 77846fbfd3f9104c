//! Parquet (as Hugging Face datasets ship them): the text column, and an
//! optional id column, read row group by row group in slices of
//! [`SLICE`] rows through the column API of the `parquet` crate, so memory
//! holds one slice, never the file.

use std::fs::File;
use std::path::Path;

use parquet::basic::Type as Physical;
use parquet::column::reader::{ColumnReader, ColumnReaderImpl};
use parquet::data_type::{ByteArrayType, DataType, Int32Type, Int64Type};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::reader::RowIter;

use super::records::{Bad, Ctx, RawKind, ReadOptions, RecordBatch, Step};
use crate::error::Position;

/// Rows decoded per read.
const SLICE: usize = 1024;

/// Buffered values of one column: `values` holds the non-null values, `defs`
/// the definition level of every row (empty when the column is required).
struct Column<T: DataType> {
    reader: ColumnReaderImpl<T>,
    nullable: bool,
    max_def: i16,
    values: Vec<T::T>,
    defs: Vec<i16>,
    rows: usize,
    next_row: usize,
    next_value: usize,
}

impl<T: DataType> Column<T> {
    fn new(reader: ColumnReaderImpl<T>, max_def: i16) -> Self {
        Column {
            reader,
            nullable: max_def > 0,
            max_def,
            values: Vec::new(),
            defs: Vec::new(),
            rows: 0,
            next_row: 0,
            next_value: 0,
        }
    }

    /// The next row's value (`None` for null), or an error; `Ok(Err(()))` at
    /// the end of the row group.
    fn next(&mut self) -> parquet::errors::Result<Result<Option<&T::T>, ()>> {
        if self.next_row == self.rows {
            self.values.clear();
            self.defs.clear();
            let defs = self.nullable.then_some(&mut self.defs);
            let (rows, _, _) = self
                .reader
                .read_records(SLICE, defs, None, &mut self.values)?;
            if rows == 0 {
                return Ok(Err(()));
            }
            self.rows = rows;
            self.next_row = 0;
            self.next_value = 0;
        }
        let row = self.next_row;
        self.next_row += 1;
        if self.nullable && self.defs[row] < self.max_def {
            return Ok(Ok(None));
        }
        let v = &self.values[self.next_value];
        self.next_value += 1;
        Ok(Ok(Some(v)))
    }
}

enum IdColumn {
    Bytes(Column<ByteArrayType>),
    Int32(Column<Int32Type>),
    Int64(Column<Int64Type>),
}

pub(crate) struct ParquetReader {
    file: SerializedFileReader<File>,
    text_col: usize,
    id_col: Option<usize>,
    next_group: usize,
    text: Option<Column<ByteArrayType>>,
    id: Option<IdColumn>,
    row: u64,
    raw_rows: Option<RowIter<'static>>,
}

fn unreadable(name: &str, position: Position, e: impl std::fmt::Display) -> Bad {
    Bad::fatal(name, position, format!("unreadable Parquet file: {e}"))
}

impl ParquetReader {
    pub(crate) fn open(
        path: &Path,
        name: &str,
        opts: &ReadOptions,
    ) -> std::result::Result<ParquetReader, Bad> {
        let open = || -> parquet::errors::Result<SerializedFileReader<File>> {
            let f =
                File::open(path).map_err(|e| parquet::errors::ParquetError::External(e.into()))?;
            SerializedFileReader::new(f)
        };
        let file = open().map_err(|e| unreadable(name, Position::File, e))?;
        let schema = file.metadata().file_metadata().schema_descr_ptr();
        let find = |field: &super::jsonl::FieldPath| -> Option<usize> {
            (0..schema.num_columns()).find(|&i| schema.column(i).path().parts() == field.parts())
        };
        let columns = || {
            (0..schema.num_columns())
                .map(|i| schema.column(i).path().string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let text_col = find(&opts.text_field).ok_or_else(|| {
            Bad::fatal(
                name,
                Position::File,
                format!(
                    "no column `{}` for the text (set --text-field; columns: {})",
                    opts.text_field,
                    columns()
                ),
            )
        })?;
        let check = |i: usize, what: &str, types: &[Physical]| {
            let c = schema.column(i);
            if c.max_rep_level() > 0 {
                return Err(Bad::fatal(
                    name,
                    Position::File,
                    format!("the {what} column `{}` is repeated (a list)", c.path()),
                ));
            }
            if !types.contains(&c.physical_type()) {
                return Err(Bad::fatal(
                    name,
                    Position::File,
                    format!(
                        "the {what} column `{}` has type {}, not a string",
                        c.path(),
                        c.physical_type()
                    ),
                ));
            }
            Ok(())
        };
        check(text_col, "text", &[Physical::BYTE_ARRAY])?;
        let id_col = match &opts.id_field {
            None => None,
            Some(f) => {
                let i = find(f).ok_or_else(|| {
                    Bad::fatal(
                        name,
                        Position::File,
                        format!(
                            "no column `{f}` for the id (set --id-field; columns: {})",
                            columns()
                        ),
                    )
                })?;
                check(
                    i,
                    "id",
                    &[Physical::BYTE_ARRAY, Physical::INT32, Physical::INT64],
                )?;
                Some(i)
            }
        };
        let raw_rows = if opts.keep_raw {
            let second = open().map_err(|e| unreadable(name, Position::File, e))?;
            Some(RowIter::from_file_into(Box::new(second)))
        } else {
            None
        };
        Ok(ParquetReader {
            file,
            text_col,
            id_col,
            next_group: 0,
            text: None,
            id: None,
            row: 0,
            raw_rows,
        })
    }

    fn open_group(&mut self, name: &str) -> std::result::Result<bool, Bad> {
        if self.next_group == self.file.num_row_groups() {
            return Ok(false);
        }
        let pos = Position::Row(self.row + 1);
        let group = self
            .file
            .get_row_group(self.next_group)
            .map_err(|e| unreadable(name, pos, e))?;
        self.next_group += 1;
        let schema = self.file.metadata().file_metadata().schema_descr_ptr();
        let text = match group
            .get_column_reader(self.text_col)
            .map_err(|e| unreadable(name, pos, e))?
        {
            ColumnReader::ByteArrayColumnReader(r) => {
                Column::new(r, schema.column(self.text_col).max_def_level())
            }
            _ => return Err(unreadable(name, pos, "text column is not a byte array")),
        };
        self.text = Some(text);
        self.id = match self.id_col {
            None => None,
            Some(i) => {
                let max_def = schema.column(i).max_def_level();
                Some(
                    match group
                        .get_column_reader(i)
                        .map_err(|e| unreadable(name, pos, e))?
                    {
                        ColumnReader::ByteArrayColumnReader(r) => {
                            IdColumn::Bytes(Column::new(r, max_def))
                        }
                        ColumnReader::Int32ColumnReader(r) => {
                            IdColumn::Int32(Column::new(r, max_def))
                        }
                        ColumnReader::Int64ColumnReader(r) => {
                            IdColumn::Int64(Column::new(r, max_def))
                        }
                        _ => return Err(unreadable(name, pos, "unexpected id column type")),
                    },
                )
            }
        };
        Ok(true)
    }

    pub(crate) fn next(
        &mut self,
        batch: &mut RecordBatch,
        ctx: &Ctx,
    ) -> std::result::Result<Step, Bad> {
        loop {
            if self.text.is_none() && !self.open_group(ctx.name)? {
                return Ok(Step::End);
            }
            let pos = Position::Row(self.row + 1);
            let text = self.text.as_mut().expect("group open");
            let value = text.next().map_err(|e| unreadable(ctx.name, pos, e))?;
            let value = match value {
                Err(()) => {
                    self.text = None;
                    continue;
                }
                Ok(v) => v,
            };
            self.row += 1;
            let raw = match &mut self.raw_rows {
                Some(rows) => match rows.next() {
                    Some(Ok(row)) => Some(row.to_json_value()),
                    Some(Err(e)) => return Err(unreadable(ctx.name, pos, e)),
                    None => return Err(unreadable(ctx.name, pos, "fewer rows than expected")),
                },
                None => None,
            };
            // The id column advances with the text column, even for a bad row.
            let mut id_text: Option<String> = None;
            let mut id_null = false;
            if let Some(id) = &mut self.id {
                let got = match id {
                    IdColumn::Bytes(c) => c.next().map(|r| {
                        r.map(|v| v.map(|b| String::from_utf8_lossy(b.data()).into_owned()))
                    }),
                    IdColumn::Int32(c) => c.next().map(|r| r.map(|v| v.map(|x| x.to_string()))),
                    IdColumn::Int64(c) => c.next().map(|r| r.map(|v| v.map(|x| x.to_string()))),
                }
                .map_err(|e| unreadable(ctx.name, pos, e))?;
                match got {
                    Err(()) => return Err(unreadable(ctx.name, pos, "id column ends early")),
                    Ok(None) => id_null = true,
                    Ok(Some(s)) => id_text = Some(s),
                }
            }
            let Some(value) = value else {
                return Err(Bad::record(ctx.name, pos, "the text is null"));
            };
            let s = value.as_utf8().map_err(|_| {
                Bad::record(
                    ctx.name,
                    pos,
                    "invalid UTF-8 in the text column (convert the input, or --skip-bad)",
                )
            })?;
            if id_null {
                return Err(Bad::record(ctx.name, pos, "the id is null"));
            }
            batch.text.push_str(s);
            match id_text {
                Some(id) => batch.ids.push_str(&id),
                None => {
                    use std::fmt::Write;
                    write!(batch.ids, "{}:{}", ctx.name, self.row).expect("writing to memory");
                }
            }
            if let Some(raw) = raw {
                serde_json::to_writer(&mut batch.raw, &raw).expect("writing to memory");
            }
            batch.commit(ctx.source, pos, RawKind::JsonLine, ctx.opts.keep_raw);
            return Ok(Step::Record);
        }
    }
}
