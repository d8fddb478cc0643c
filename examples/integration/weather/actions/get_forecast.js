const days = data.input.days ?? 3;
const response = await ld.request({
  method: 'GET',
  url: `https://api.weather.example.com/v1/forecast?city=${encodeURIComponent(data.input.city)}&days=${days}`,
  headers: { Authorization: `Bearer ${data.auth.apiKey}` },
});
return response.json;
